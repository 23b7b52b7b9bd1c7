import type * as Monaco from 'monaco-editor/editor';
import type { WorkspaceFile } from '../workspace/types.ts';
import { languageOf } from './languages.ts';

type MonacoApi = typeof Monaco;

/**
 * One Monaco model per workspace file. The store leads: `sync` creates, updates and disposes
 * models to match its files; typing in a model reports back through `onEdit`, which writes the
 * store, whose next `sync` then finds nothing to do.
 */
export function createModelSync(monaco: MonacoApi, onEdit: (path: string, content: string) => void) {
  const models = new Map<string, Monaco.editor.ITextModel>();

  function create(path: string, content: string) {
    const model = monaco.editor.createModel(content, languageOf(path), monaco.Uri.file(path));
    model.onDidChangeContent(() => onEdit(path, model.getValue()));
    models.set(path, model);
  }

  function sync(files: Record<string, WorkspaceFile>) {
    for (const [path, model] of models) {
      if (!(path in files)) {
        model.dispose();
        models.delete(path);
      }
    }
    for (const [path, file] of Object.entries(files)) {
      const model = models.get(path);
      if (!model) create(path, file.content);
      else if (model.getValue() !== file.content) {
        // A change from outside the editor (template, zip, another tab's store): an edit, not
        // setValue, so it stays undoable.
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: file.content }], () => null);
      }
    }
  }

  return {
    sync,
    get: (path: string | null) => (path === null ? undefined : models.get(path)),
    dispose() {
      for (const model of models.values()) model.dispose();
      models.clear();
    },
  };
}
