import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { WorkspaceFile } from '../workspace/types.ts';

/**
 * The file contents as they were last deployed, so the tree can mark what changed since. The
 * workspace keeps only a fingerprint of the whole code; a per-file dot needs the files themselves.
 * Persisted like the workspace, because after a reload the deploy is skipped (fingerprint equal)
 * and nothing would call `remember` again.
 */
export interface DeployedSnapshotState {
  /** path → content at the last deploy; null before the first one */
  files: Record<string, string> | null;
  remember(files: Record<string, string>): void;
}

export const useDeployedSnapshot = create<DeployedSnapshotState>()(
  persist(
    (set) => ({
      files: null,
      remember: (files) => set({ files: { ...files } }),
    }),
    { name: 'fnplay-deployed-snapshot', version: 1 },
  ),
);

/** A file is dirty when it is new since the last deploy or its content differs from it. */
export function isDirty(path: string, file: WorkspaceFile, snapshot: Record<string, string> | null): boolean {
  if (!snapshot) return true;
  return snapshot[path] !== file.content;
}
