import { useEffect, useId, useMemo, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useWorkspace } from '../workspace/store.ts';
import { isDirty, useDeployedSnapshot } from './deployed-snapshot.ts';
import { isUnder, parentOf, type TreeRow } from './file-tree-model.ts';
import { ChevronIcon, DeleteIcon, NewFileIcon, NewFolderIcon, RenameIcon } from './icons.tsx';
import { DeleteConfirm } from './DeleteConfirm.tsx';
import { NameInput } from './NameInput.tsx';
import { useFileTree } from './use-file-tree.ts';

/**
 * The workspace's files as a tree (ARIA tree, flat rows with levels): folders first, collapsible;
 * a dot on what changed since the last deploy. Keyboard: arrows move, Enter opens or toggles,
 * F2 renames, Delete deletes (after a confirmation).
 */
export function FileTree() {
  const t = useFileTree();
  const snapshot = useDeployedSnapshot((s) => s.files);
  const rowEls = useRef(new Map<string, HTMLLIElement>());
  // Give focus back to the selected row once it exists (after a rename or a new file it only exists
  // next render), when a keyboard action in the tree ended; never when the user clicked away.
  const refocus = useRef(false);
  const ids = useId();
  const dirtyId = `${ids}-dirty`;
  const execId = `${ids}-exec`;

  useEffect(() => {
    if (!refocus.current) return;
    refocus.current = false;
    const path = t.selected ?? t.rows[0]?.path;
    if (path !== undefined) rowEls.current.get(path)?.focus();
  });

  const dirty = useMemo(() => new Set(Object.keys(t.files).filter((p) => isDirty(p, t.files[p], snapshot))), [t.files, snapshot]);
  const folderDirty = (folder: string) => [...dirty].some((p) => isUnder(p, folder));

  const moveTo = (row: TreeRow | undefined) => {
    if (!row) return;
    t.select(row.path, false);
    rowEls.current.get(row.path)?.focus();
  };

  const onRowKey = (e: KeyboardEvent, index: number) => {
    const row = t.rows[index];
    const open = row.kind === 'folder' && !t.collapsed.has(row.path);
    switch (e.key) {
      case 'ArrowDown': moveTo(t.rows[index + 1]); break;
      case 'ArrowUp': moveTo(t.rows[index - 1]); break;
      case 'Home': moveTo(t.rows[0]); break;
      case 'End': moveTo(t.rows[t.rows.length - 1]); break;
      case 'ArrowRight':
        if (row.kind === 'folder' && !open) t.toggle(row.path);
        else if (open && t.rows[index + 1]?.level > row.level) moveTo(t.rows[index + 1]);
        break;
      case 'ArrowLeft':
        if (open) t.toggle(row.path);
        else moveTo(t.rows.find((r) => r.path === parentOf(row.path)));
        break;
      case 'Enter':
      case ' ':
        if (row.kind === 'folder') t.toggle(row.path);
        t.select(row.path);
        break;
      case 'F2': t.startRename(row.path); break;
      case 'Delete': t.askDelete(row.path); break;
      default: return;
    }
    e.preventDefault();
  };

  const nameInput = (key: string, initial: string, level: number) => (
    <NameInput
      key={key}
      initial={initial}
      level={level}
      validate={t.problemOf}
      onConfirm={(name, byKey) => {
        t.confirmEdit(name);
        refocus.current = byKey;
      }}
      onCancel={(byKey) => {
        t.cancelEdit();
        refocus.current = byKey;
      }}
    />
  );

  const items: ReactNode[] = [];
  if (t.edit && t.edit.mode !== 'rename' && t.edit.parent === '') items.push(nameInput('new', '', 1));
  t.rows.forEach((row, index) => {
    if (t.edit?.mode === 'rename' && t.edit.path === row.path) {
      items.push(nameInput('rename', row.name, row.level));
      return;
    }
    const isFolder = row.kind === 'folder';
    const executable = !isFolder && t.files[row.path]?.executable;
    const changed = isFolder ? folderDirty(row.path) : dirty.has(row.path);
    const tabbable = t.selected === null ? index === 0 : t.selected === row.path;
    items.push(
      <li
        key={row.path}
        ref={(el) => void (el ? rowEls.current.set(row.path, el) : rowEls.current.delete(row.path))}
        role="treeitem"
        aria-label={row.name}
        aria-level={row.level}
        aria-posinset={row.position}
        aria-setsize={row.siblings}
        aria-selected={t.selected === row.path}
        aria-expanded={isFolder ? !t.collapsed.has(row.path) : undefined}
        aria-describedby={[executable && execId, changed && dirtyId].filter(Boolean).join(' ') || undefined}
        tabIndex={tabbable ? 0 : -1}
        title={row.path}
        className={['tree-row', isFolder ? 'tree-folder' : 'tree-file', t.openFile === row.path && 'is-open', t.selected === row.path && 'is-selected'].filter(Boolean).join(' ')}
        style={{ paddingLeft: 6 + (row.level - 1) * 12 }}
        onClick={() => {
          if (isFolder) t.toggle(row.path);
          t.select(row.path);
        }}
        onKeyDown={(e) => onRowKey(e, index)}
      >
        {isFolder ? <ChevronIcon open={!t.collapsed.has(row.path)} /> : <span className="tree-spacer" />}
        <span className="tree-name">{row.name}</span>
        {executable && <span className="tree-exec" aria-hidden>x</span>}
        {changed && <span className={isFolder ? 'dirty-dot dirty-dot-dim' : 'dirty-dot'} aria-hidden />}
      </li>,
    );
    if (t.edit && t.edit.mode !== 'rename' && t.edit.parent === row.path) items.push(nameInput('new', '', row.level + 1));
  });

  const selectedFile = t.selectedKind === 'file' ? t.files[t.selected!] : undefined;

  return (
    <div className="file-tree">
      <div className="tree-head">
        <span className="tree-title">Files</span>
        {!t.confirmingDelete && (
          <span className="tree-actions">
            <button type="button" className="btn btn-icon" aria-label="New file" title="New file" onClick={() => t.startNew('new-file')}>
              <NewFileIcon />
            </button>
            <button type="button" className="btn btn-icon" aria-label="New folder" title="New folder" onClick={() => t.startNew('new-folder')}>
              <NewFolderIcon />
            </button>
            <button type="button" className="btn btn-icon" aria-label="Rename" title="Rename (F2)" disabled={t.selected === null} onClick={() => t.startRename()}>
              <RenameIcon />
            </button>
            <button type="button" className="btn btn-icon" aria-label="Delete" title="Delete (Del)" disabled={t.selected === null} onClick={() => t.askDelete()}>
              <DeleteIcon />
            </button>
          </span>
        )}
      </div>
      {t.confirmingDelete && t.selected !== null && (
        <DeleteConfirm
          path={t.selected}
          kind={t.selectedKind!}
          files={t.files}
          onConfirm={() => {
            t.confirmDelete();
            refocus.current = true;
          }}
          onCancel={() => {
            t.cancelDelete();
            refocus.current = true;
          }}
        />
      )}
      <ul role="tree" aria-label="Files" className="tree-list">
        {items}
      </ul>
      {t.rows.length === 0 && !t.edit && <p className="hint tree-empty">No files. Create one, use a template or upload a zip.</p>}
      <span id={dirtyId} hidden>changed since the last deploy</span>
      <span id={execId} hidden>executable</span>
      <div className="tree-foot">
        <label className="tree-exec-toggle" title={selectedFile ? `Set the exec bit of ${t.selected}` : 'Select a file'}>
          <input
            type="checkbox"
            disabled={!selectedFile}
            checked={selectedFile?.executable ?? false}
            onChange={(e) => useWorkspace.getState().setExecutable(t.selected!, e.target.checked)}
          />
          Executable
        </label>
      </div>
    </div>
  );
}
