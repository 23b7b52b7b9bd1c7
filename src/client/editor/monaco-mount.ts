import type * as Monaco from 'monaco-editor/editor';
import { useWorkspace } from '../workspace/store.ts';
import { createModelSync } from './monaco-models.ts';
import { monaco, THEME } from './monaco-setup.ts';

export interface MountedEditor {
  dispose(): void;
}

/**
 * Puts a Monaco editor into `host`, showing the workspace's open file and following the store:
 * files become models, the open file becomes the editor's model (with its cursor and scroll kept
 * per file), and typing goes back to the store.
 */
export function mountEditor(host: HTMLElement): MountedEditor {
  const models = createModelSync(monaco, (path, content) => {
    const ws = useWorkspace.getState();
    if (ws.files[path] && ws.files[path].content !== content) ws.setFileContent(path, content);
  });
  models.sync(useWorkspace.getState().files);

  const editor = monaco.editor.create(host, {
    model: null,
    theme: THEME,
    automaticLayout: true,
    fontFamily: "ui-monospace, 'JetBrains Mono', 'SFMono-Regular', Menlo, Consolas, monospace",
    fontSize: 13,
    lineHeight: 20,
    tabSize: 2,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    padding: { top: 8, bottom: 8 },
    renderLineHighlight: 'line',
    fixedOverflowWidgets: true,
    stickyScroll: { enabled: false },
    scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
    // A textarea input (not the EditContext one) so tests and assistive tech find a labelled textbox.
    editContext: false,
    // Enter always makes a new line; Tab takes a suggestion. Typed code is what lands in the file.
    acceptSuggestionOnEnter: 'off',
  });

  // The workspace autosaves; Ctrl/Cmd+S would only open the browser's "Save page" dialog.
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => {});

  const viewStates = new Map<string, Monaco.editor.ICodeEditorViewState | null>();
  const shownPath = { current: null as string | null };

  function show(path: string | null) {
    const model = models.get(path);
    if (shownPath.current !== null && editor.getModel()) viewStates.set(shownPath.current, editor.saveViewState());
    shownPath.current = model ? path : null;
    editor.setModel(model ?? null);
    if (model && path !== null) {
      const state = viewStates.get(path);
      if (state) editor.restoreViewState(state);
    }
    editor.updateOptions({ ariaLabel: model ? `Editor: ${path}` : 'Editor: no file open', readOnly: !model });
  }

  show(useWorkspace.getState().openFile);

  const unsubscribe = useWorkspace.subscribe((s, prev) => {
    if (s.files !== prev.files) {
      models.sync(s.files);
      for (const path of viewStates.keys()) if (!(path in s.files)) viewStates.delete(path);
    }
    // Also when the shown model went away or came back (a rename keeps openFile but changes models).
    if (s.openFile !== prev.openFile || editor.getModel() !== (models.get(s.openFile) ?? null)) show(s.openFile);
  });

  return {
    dispose() {
      unsubscribe();
      editor.dispose();
      models.dispose();
    },
  };
}
