import type { ReactNode } from 'react';
import { useWorkspace } from '../workspace/store.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { isDirty, useDeployedSnapshot } from './deployed-snapshot.ts';
import { FileTree } from './FileTree.tsx';
import { languageOf } from './languages.ts';
import { TemplatePicker } from './TemplatePicker.tsx';
import { ZipButtons } from './ZipButtons.tsx';
import './editor.css';

/** The open file's path, language and state, above the editor. */
function OpenFileBar() {
  const path = useWorkspace((s) => s.openFile);
  const file = useWorkspace((s) => (s.openFile === null ? undefined : s.files[s.openFile]));
  const snapshot = useDeployedSnapshot((s) => s.files);
  if (path === null || !file) return <div className="editor-file-bar" />;
  const changed = isDirty(path, file, snapshot);
  return (
    <div className="editor-file-bar">
      <code className="editor-file-path">{path}</code>
      {changed && <span className="dirty-dot" title="Changed since the last deploy" aria-hidden />}
      <span className="spacer" />
      {file.executable && <span className="badge badge-dim">executable</span>}
      <span className="editor-file-lang">{languageOf(path)}</span>
    </div>
  );
}

/**
 * The code of the function: a file tree, the open file in Monaco, templates and zip import/export.
 * `below` goes under the editor (the app puts the build output there).
 */
export function EditorPane({ below }: { below?: ReactNode } = {}) {
  return (
    <section aria-label="Code" className="editor-pane">
      <div className="editor-toolbar">
        <h2 className="pane-title editor-title">Code</h2>
        <TemplatePicker />
        <span className="spacer" />
        <ZipButtons />
      </div>
      <div className="editor-body">
        <FileTree />
        <div className="editor-main">
          <OpenFileBar />
          <CodeEditor />
          {below}
        </div>
      </div>
    </section>
  );
}
