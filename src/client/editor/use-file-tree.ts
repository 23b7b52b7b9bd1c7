import { useEffect, useMemo, useState } from 'react';
import { useWorkspace } from '../workspace/store.ts';
import { allFolders, isUnder, joinPath, nameProblem, parentOf, visibleRows } from './file-tree-model.ts';

export type TreeEdit =
  | { mode: 'new-file' | 'new-folder'; parent: string }
  | { mode: 'rename'; path: string };

/**
 * What the file tree holds besides the workspace: the selection (a file or a folder; the open file
 * when nothing else is chosen), collapsed folders, the inline edit in progress and the delete
 * confirmation. Actions go straight to the workspace store, which does the moving and deleting.
 */
export function useFileTree() {
  const files = useWorkspace((s) => s.files);
  const folders = useWorkspace((s) => s.folders);
  const openFile = useWorkspace((s) => s.openFile);
  const [chosen, setChosen] = useState<string | null>(openFile);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [edit, setEdit] = useState<TreeEdit | null>(null);
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  const dirs = useMemo(() => allFolders(files, folders), [files, folders]);
  const rows = useMemo(() => visibleRows(files, folders, collapsed), [files, folders, collapsed]);
  const exists = (p: string | null): p is string => p !== null && (p in files || dirs.has(p));
  // A selection that vanished (deleted, or renamed by a template load) falls back to the open file.
  const selected = exists(chosen) ? chosen : exists(openFile) ? openFile : null;
  const selectedKind: 'file' | 'folder' | null = selected === null ? null : selected in files ? 'file' : 'folder';

  const expand = (path: string) =>
    setCollapsed((c) => {
      if (![...c].some((f) => isUnder(path, f))) return c;
      return new Set([...c].filter((f) => !isUnder(path, f)));
    });

  // The open file can change from outside (template, zip, a new file): select it and show it.
  useEffect(() => {
    if (!openFile) return;
    setChosen(openFile);
    expand(parentOf(openFile));
  }, [openFile]);

  const toggle = (folder: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(folder)) next.add(folder);
      return next;
    });

  /** Selects a row; a file is also opened unless only moving through the tree with the keyboard. */
  const select = (path: string, open = true) => {
    setChosen(path);
    setConfirmingDelete(false);
    if (open && path in useWorkspace.getState().files) useWorkspace.getState().setOpenFile(path);
  };

  /** New items go into the selected folder, or next to the selected file. */
  const targetFolder = selectedKind === 'folder' ? selected! : selected ? parentOf(selected) : '';

  const startNew = (mode: 'new-file' | 'new-folder') => {
    setConfirmingDelete(false);
    if (targetFolder) expand(targetFolder);
    setEdit({ mode, parent: targetFolder });
  };

  /** Renames `path` (the row the keyboard is on), or the selection. */
  const startRename = (path: string | null = selected) => {
    if (path === null) return;
    setChosen(path);
    setConfirmingDelete(false);
    setEdit({ mode: 'rename', path });
  };

  const problemOf = (name: string) => {
    if (!edit) return null;
    const folder = edit.mode === 'rename' ? parentOf(edit.path) : edit.parent;
    return nameProblem(name, folder, { files, folders: dirs }, edit.mode === 'rename' ? edit.path : undefined);
  };

  const confirmEdit = (name: string) => {
    if (!edit) return;
    const ws = useWorkspace.getState();
    if (edit.mode === 'rename') {
      const to = joinPath(parentOf(edit.path), name);
      ws.rename(edit.path, to);
      setCollapsed((c) => new Set([...c].map((f) => (isUnder(f, edit.path) ? to + f.slice(edit.path.length) : f))));
      setChosen(to);
    } else {
      const path = joinPath(edit.parent, name);
      if (edit.mode === 'new-file') ws.createFile(path);
      else ws.createFolder(path);
      setChosen(path);
    }
    setEdit(null);
  };

  const askDelete = (path: string | null = selected) => {
    if (path === null) return;
    setChosen(path);
    setEdit(null);
    setConfirmingDelete(true);
  };

  const confirmDelete = () => {
    if (selected === null) return;
    const ws = useWorkspace.getState();
    ws.remove(selected);
    setConfirmingDelete(false);
    setChosen(null);
    // Keep something open: the first file left, in tree order.
    const after = useWorkspace.getState();
    if (after.openFile === null) {
      const first = visibleRows(after.files, after.folders, new Set()).find((r) => r.kind === 'file');
      if (first) after.setOpenFile(first.path);
    }
  };

  return {
    files,
    openFile,
    rows,
    collapsed,
    selected,
    selectedKind,
    edit,
    confirmingDelete,
    select,
    toggle,
    setCollapsed,
    startNew,
    startRename,
    cancelEdit: () => setEdit(null),
    problemOf,
    confirmEdit,
    askDelete,
    cancelDelete: () => setConfirmingDelete(false),
    confirmDelete,
  };
}
