import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { DEFAULT_FILES, DEFAULT_HTTP_REQUEST, DEFAULT_MANIFEST } from './defaults.ts';
import type { HttpRequestDraft, ManifestDraft, WorkspaceFile } from './types.ts';

/**
 * The workspace is the source of truth for what the user edits: files, the manifest draft, the
 * payload and the HTTP request. Persisted in localStorage, so a reload loses nothing. Monaco models
 * are made from these files and never lead them.
 */
export interface WorkspaceState {
  files: Record<string, WorkspaceFile>;
  /** folders with no files yet (folders with files are implied by the paths) */
  folders: string[];
  openFile: string | null;
  manifest: ManifestDraft;
  payload: string;
  httpRequest: HttpRequestDraft;
  /** fingerprint of what was last deployed, to know whether Invoke must deploy first */
  deployed: { code: string; manifest: string } | null;

  setFileContent(path: string, content: string): void;
  createFile(path: string, content?: string): void;
  createFolder(path: string): void;
  /** renames a file, or a folder with everything below it */
  rename(from: string, to: string): void;
  /** deletes a file, or a folder with everything below it */
  remove(path: string): void;
  setExecutable(path: string, executable: boolean): void;
  setOpenFile(path: string | null): void;
  setManifest(patch: Partial<ManifestDraft>): void;
  /** replaces files and manifest at once (template, zip import, s.yaml import) */
  load(next: { files?: Record<string, WorkspaceFile>; manifest?: Partial<ManifestDraft>; folders?: string[] }): void;
  setPayload(payload: string): void;
  setHttpRequest(patch: Partial<HttpRequestDraft>): void;
  markDeployed(fingerprint: { code: string; manifest: string }): void;
}

const under = (path: string, folder: string) => path === folder || path.startsWith(folder + '/');

export const useWorkspace = create<WorkspaceState>()(
  persist(
    (set) => ({
      files: DEFAULT_FILES,
      folders: [],
      openFile: 'index.js',
      manifest: DEFAULT_MANIFEST,
      payload: '{"hello": "fnplay"}',
      httpRequest: DEFAULT_HTTP_REQUEST,
      deployed: null,

      setFileContent: (path, content) =>
        set((s) => ({ files: { ...s.files, [path]: { executable: s.files[path]?.executable ?? false, content } } })),
      createFile: (path, content = '') =>
        set((s) => (s.files[path] ? s : { files: { ...s.files, [path]: { content, executable: false } }, openFile: path })),
      createFolder: (path) => set((s) => (s.folders.includes(path) ? s : { folders: [...s.folders, path] })),
      rename: (from, to) =>
        set((s) => {
          if (from === to) return s;
          const files: Record<string, WorkspaceFile> = {};
          for (const [p, f] of Object.entries(s.files)) files[under(p, from) ? to + p.slice(from.length) : p] = f;
          const folders = s.folders.map((f) => (under(f, from) ? to + f.slice(from.length) : f));
          const openFile = s.openFile && under(s.openFile, from) ? to + s.openFile.slice(from.length) : s.openFile;
          return { files, folders, openFile };
        }),
      remove: (path) =>
        set((s) => {
          const files = Object.fromEntries(Object.entries(s.files).filter(([p]) => !under(p, path)));
          return { files, folders: s.folders.filter((f) => !under(f, path)), openFile: s.openFile && under(s.openFile, path) ? null : s.openFile };
        }),
      setExecutable: (path, executable) =>
        set((s) => (s.files[path] ? { files: { ...s.files, [path]: { ...s.files[path], executable } } } : s)),
      setOpenFile: (openFile) => set({ openFile }),
      setManifest: (patch) => set((s) => ({ manifest: { ...s.manifest, ...patch } })),
      load: (next) =>
        set((s) => ({
          files: next.files ?? s.files,
          folders: next.folders ?? (next.files ? [] : s.folders),
          manifest: next.manifest ? { ...DEFAULT_MANIFEST, ...next.manifest } : s.manifest,
          openFile: next.files ? (Object.keys(next.files).sort()[0] ?? null) : s.openFile,
          deployed: null,
        })),
      setPayload: (payload) => set({ payload }),
      setHttpRequest: (patch) => set((s) => ({ httpRequest: { ...s.httpRequest, ...patch } })),
      markDeployed: (deployed) => set({ deployed }),
    }),
    {
      name: 'fnplay-workspace',
      version: 1,
      // A draft saved before a field existed (the container fields) takes that field's default.
      merge: (persisted, current) => {
        const saved = (persisted ?? {}) as Partial<WorkspaceState>;
        return { ...current, ...saved, manifest: { ...DEFAULT_MANIFEST, ...saved.manifest } };
      },
    },
  ),
);
