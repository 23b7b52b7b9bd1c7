import type { WorkspaceFile } from '../workspace/types.ts';

export interface TreeRow {
  kind: 'file' | 'folder';
  path: string;
  name: string;
  /** 1 for the top level, as aria-level counts */
  level: number;
  /** position among its siblings, 1-based, and how many siblings there are (aria-posinset/setsize) */
  position: number;
  siblings: number;
}

export const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
export const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
export const joinPath = (folder: string, name: string) => (folder ? `${folder}/${name}` : name);
export const isUnder = (path: string, folder: string) => path === folder || path.startsWith(folder + '/');

/** Every folder: the empty ones the store lists plus the ones file paths imply. */
export function allFolders(files: Record<string, WorkspaceFile>, folders: string[]): Set<string> {
  const out = new Set<string>();
  const addWithParents = (p: string) => {
    for (let f = p; f && !out.has(f); f = parentOf(f)) out.add(f);
  };
  for (const f of folders) addWithParents(f);
  for (const p of Object.keys(files)) addWithParents(parentOf(p));
  return out;
}

const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true, sensitivity: 'base' }) || a.localeCompare(b);

/**
 * The tree as the rows a reader sees, in order: folders before files, each sorted by name; the
 * children of a collapsed folder are left out.
 */
export function visibleRows(files: Record<string, WorkspaceFile>, folders: string[], collapsed: ReadonlySet<string>): TreeRow[] {
  const dirs = allFolders(files, folders);
  const children = new Map<string, { folders: string[]; files: string[] }>();
  const entry = (parent: string) => {
    const e = children.get(parent) ?? { folders: [], files: [] };
    children.set(parent, e);
    return e;
  };
  for (const d of dirs) entry(parentOf(d)).folders.push(d);
  for (const p of Object.keys(files)) entry(parentOf(p)).files.push(p);

  const rows: TreeRow[] = [];
  const walk = (parent: string, level: number) => {
    const e = children.get(parent);
    if (!e) return;
    const sortedFolders = e.folders.sort((a, b) => byName(baseName(a), baseName(b)));
    const sortedFiles = e.files.sort((a, b) => byName(baseName(a), baseName(b)));
    const siblings = sortedFolders.length + sortedFiles.length;
    let position = 0;
    for (const d of sortedFolders) {
      rows.push({ kind: 'folder', path: d, name: baseName(d), level, position: ++position, siblings });
      if (!collapsed.has(d)) walk(d, level + 1);
    }
    for (const p of sortedFiles) rows.push({ kind: 'file', path: p, name: baseName(p), level, position: ++position, siblings });
  };
  walk('', 1);
  return rows;
}

/**
 * Why a name typed into the tree cannot be used, or null when it can. `name` is relative to
 * `folder` and may hold slashes to create nested folders at once.
 */
export function nameProblem(name: string, folder: string, taken: { files: Record<string, WorkspaceFile>; folders: Set<string> }, self?: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Enter a name';
  if (trimmed.startsWith('/')) return 'Use a path relative to the folder, without a leading /';
  const segments = trimmed.split('/');
  if (segments.some((s) => s === '')) return 'A name cannot have empty parts (//) or end with /';
  if (segments.some((s) => s === '.' || s === '..')) return 'A name cannot contain . or .. parts';
  if (/[\\\0]/.test(trimmed)) return 'A name cannot contain \\ or NUL';
  const path = joinPath(folder, trimmed);
  if (path === self) return null;
  if (taken.files[path] || taken.folders.has(path)) return `${path} already exists`;
  for (let p = parentOf(path); p; p = parentOf(p)) {
    if (taken.files[p]) return `${p} is a file, not a folder`;
  }
  if (self && isUnder(path, self)) return 'A folder cannot move into itself';
  return null;
}

/** Files and empty folders at or below `path`: what deleting it takes away. */
export function countBelow(path: string, files: Record<string, WorkspaceFile>): number {
  return Object.keys(files).filter((p) => isUnder(p, path)).length;
}
