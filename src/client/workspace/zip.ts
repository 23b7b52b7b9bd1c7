import JSZip from 'jszip';
import type { WorkspaceFile } from './types.ts';

/** Zips the workspace as FC expects code: unix modes kept (755 for executables, 644 otherwise). */
export async function filesToZip(files: Record<string, WorkspaceFile>, folders: string[] = []): Promise<Uint8Array> {
  const zip = new JSZip();
  for (const folder of folders) zip.folder(folder);
  for (const [path, f] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    // A fixed date keeps the zip (and so its checksum) the same for the same files.
    zip.file(path, f.content, { unixPermissions: f.executable ? 0o755 : 0o644, date: new Date('2020-01-01T00:00:00Z') });
  }
  return zip.generateAsync({ type: 'uint8array', platform: 'UNIX', compression: 'DEFLATE' });
}

/** Reads a zip into workspace files; a single top folder that wraps everything is taken off. */
export async function zipToFiles(data: ArrayBuffer | Uint8Array): Promise<{ files: Record<string, WorkspaceFile>; folders: string[] }> {
  const zip = await JSZip.loadAsync(data);
  const files: Record<string, WorkspaceFile> = {};
  const folders: string[] = [];
  const entries = Object.values(zip.files);
  for (const entry of entries) {
    const name = entry.name.replace(/\/$/, '');
    if (!name || name.startsWith('__MACOSX')) continue;
    if (entry.dir) {
      folders.push(name);
      continue;
    }
    const mode = typeof entry.unixPermissions === 'number' ? entry.unixPermissions : 0o644;
    files[name] = { content: await entry.async('string'), executable: (mode & 0o111) !== 0 };
  }
  const tops = new Set([...Object.keys(files), ...folders].map((p) => p.split('/')[0]));
  if (tops.size === 1) {
    const [top] = tops;
    if (Object.keys(files).every((p) => p.startsWith(top + '/'))) {
      const strip = (p: string) => p.slice(top.length + 1);
      return {
        files: Object.fromEntries(Object.entries(files).map(([p, f]) => [strip(p), f])),
        folders: folders.filter((f) => f !== top).map(strip),
      };
    }
  }
  return { files, folders: folders.filter((f) => !Object.keys(files).some((p) => p.startsWith(f + '/'))) };
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
