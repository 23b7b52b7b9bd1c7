import { useEffect, useRef } from 'react';
import type { WorkspaceFile } from '../workspace/types.ts';
import { countBelow } from './file-tree-model.ts';

interface Props {
  path: string;
  kind: 'file' | 'folder';
  files: Record<string, WorkspaceFile>;
  onConfirm(): void;
  onCancel(): void;
}

/** The inline "really delete?" of the file tree: Enter deletes (focus starts on Delete), Escape keeps. */
export function DeleteConfirm({ path, kind, files, onConfirm, onCancel }: Props) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  const count = kind === 'folder' ? countBelow(path, files) : 0;

  return (
    <div
      role="group"
      aria-label="Confirm delete"
      className="tree-confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <span className="tree-confirm-text">
        Delete <code>{path}</code>
        {kind === 'folder' && (count === 0 ? ' (empty folder)' : ` and ${count} file${count === 1 ? '' : 's'} in it`)}?
      </span>
      <span className="tree-confirm-actions">
        <button ref={confirmRef} type="button" className="btn btn-small btn-danger" onClick={onConfirm}>
          Delete
        </button>
        <button type="button" className="btn btn-small" onClick={onCancel}>
          Cancel
        </button>
      </span>
    </div>
  );
}
