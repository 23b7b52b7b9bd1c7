import { useWorkspace } from '../workspace/store.ts';
import type { WorkspaceFile } from '../workspace/types.ts';
import { useDeployedSnapshot } from './deployed-snapshot.ts';

/** Puts the stores in a known state for a test: these files (path → content), nothing deployed. */
export function givenWorkspace(files: Record<string, string | WorkspaceFile>, opts: { folders?: string[]; openFile?: string | null } = {}) {
  const asFiles = Object.fromEntries(
    Object.entries(files).map(([p, f]) => [p, typeof f === 'string' ? { content: f, executable: false } : f]),
  );
  useWorkspace.setState({
    files: asFiles,
    folders: opts.folders ?? [],
    openFile: opts.openFile === undefined ? (Object.keys(files).sort()[0] ?? null) : opts.openFile,
    deployed: null,
  });
  useDeployedSnapshot.setState({ files: null });
}

export const workspace = () => useWorkspace.getState();
