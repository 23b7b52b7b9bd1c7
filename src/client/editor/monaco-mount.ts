import type * as Monaco from 'monaco-editor/editor';
import { useWorkspace } from '../workspace/store.ts';
import { useBuildProblems, type BuildProblem } from './build-problems.ts';
import { createModelSync } from './monaco-models.ts';
import { monaco, THEME } from './monaco-setup.ts';
import { useEditorReveal } from './reveal.ts';

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

  // A place asked for from outside (a compiler line): taken once its file is the one shown.
  function reveal() {
    const target = useEditorReveal.getState().target;
    const model = editor.getModel();
    if (!target || !model || shownPath.current !== target.path) return;
    useEditorReveal.getState().take();
    const lineNumber = Math.min(Math.max(1, target.line), model.getLineCount());
    const column = Math.min(Math.max(1, target.column), model.getLineMaxColumn(lineNumber));
    editor.setPosition({ lineNumber, column });
    editor.revealLineInCenter(lineNumber);
    editor.focus();
  }

  // The build's problems as markers. Set on a model once per list (and on models made later), not
  // on every sync: Monaco moves markers with the user's edits, which a re-set would undo.
  const marked = new WeakSet<Monaco.editor.ITextModel>();
  function mark(problems: readonly BuildProblem[], files: Record<string, unknown>, all: boolean) {
    for (const path of Object.keys(files)) {
      const model = models.get(path);
      if (!model || (!all && marked.has(model))) continue;
      marked.add(model);
      monaco.editor.setModelMarkers(model, 'build', problems.filter((p) => p.path === path).map((p) => markerOf(model, p)));
    }
  }

  show(useWorkspace.getState().openFile);
  reveal();
  mark(useBuildProblems.getState().problems, useWorkspace.getState().files, true);

  const unsubscribe = useWorkspace.subscribe((s, prev) => {
    if (s.files !== prev.files) {
      models.sync(s.files);
      for (const path of viewStates.keys()) if (!(path in s.files)) viewStates.delete(path);
      mark(useBuildProblems.getState().problems, s.files, false);
    }
    // Also when the shown model went away or came back (a rename keeps openFile but changes models).
    if (s.openFile !== prev.openFile || editor.getModel() !== (models.get(s.openFile) ?? null)) {
      show(s.openFile);
      reveal();
    }
  });
  const unsubscribeReveal = useEditorReveal.subscribe(reveal);
  const unsubscribeProblems = useBuildProblems.subscribe((s) => mark(s.problems, useWorkspace.getState().files, true));

  return {
    dispose() {
      unsubscribe();
      unsubscribeReveal();
      unsubscribeProblems();
      editor.dispose();
      models.dispose();
    },
  };
}

/** A compiler line as a marker: the word it points at underlined, or the rest of the line. */
function markerOf(model: Monaco.editor.ITextModel, p: BuildProblem): Monaco.editor.IMarkerData {
  const line = Math.min(Math.max(1, p.line), model.getLineCount());
  const column = Math.min(Math.max(1, p.column), model.getLineMaxColumn(line));
  const word = model.getWordAtPosition({ lineNumber: line, column });
  const endColumn = word && word.startColumn === column ? word.endColumn : model.getLineMaxColumn(line);
  return {
    severity: monaco.MarkerSeverity.Error,
    source: 'go build',
    message: p.message,
    startLineNumber: line,
    startColumn: column,
    endLineNumber: line,
    endColumn: Math.max(endColumn, column + 1),
  };
}
