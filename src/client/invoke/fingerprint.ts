import type { ManifestDraft, WorkspaceFile } from '../workspace/types.ts';

/** FNV-1a over a string: enough to tell "changed since the last deploy", not a security hash. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16) + ':' + text.length;
}

export function fingerprintCode(files: Record<string, WorkspaceFile>, folders: string[]) {
  const sorted = Object.keys(files).sort().map((p) => [p, files[p].executable, files[p].content]);
  return fnv1a(JSON.stringify([sorted, [...folders].sort()]));
}

export const fingerprintManifest = (m: ManifestDraft) => fnv1a(JSON.stringify(m));
