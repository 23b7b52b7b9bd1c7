// Writes a validated zip into a directory: directories first, then files a few at a time, then
// symlinks last, so nothing is ever written through a link the zip itself made.
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ZipFile } from 'yauzl';
import type { CodeLimits } from './limits.ts';
import { fitsInMemory, openEntry, readEntry } from './zip-entry-data.ts';
import { readZipIndex, type ZipItem } from './zip-index.ts';

// Enough to overlap disk writes with inflating; more only adds open file descriptors.
const PARALLEL_FILES = 16;

type FileItem = Extract<ZipItem, { kind: 'file' }>;

/** Extracts `zip` into `dest` (created if missing; must not hold any of the zip's paths). */
export async function extractZip(zip: Buffer, dest: string, limits: CodeLimits): Promise<void> {
  const { zipfile, items } = await readZipIndex(zip, limits);
  try {
    // 1. every directory, listed or implied by a file's path
    await mkdir(dest, { recursive: true, mode: 0o755 });
    const dirs = new Map<string, number>();
    for (const item of items) {
      const parent = posix.dirname(item.path);
      if (parent !== '.' && !dirs.has(parent)) dirs.set(parent, 0o755);
      if (item.kind === 'dir') dirs.set(item.path, item.mode);
    }
    for (const [path, mode] of dirs) {
      await mkdir(join(dest, path), { recursive: true });
      // Owner rwx is forced so the store (and a non-root user) can always fill and delete it.
      await chmod(join(dest, path), mode | 0o700);
    }
    // 2. files, with their modes (exec bits are what custom runtimes depend on)
    const files = items.filter((i): i is FileItem => i.kind === 'file');
    const queue = [...files];
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) await extractFile(zip, zipfile, file, dest);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_FILES, files.length) }, worker));
    // 3. symlinks, already proven to stay inside the tree
    for (const item of items) {
      if (item.kind === 'symlink') await symlink(item.target, join(dest, item.path));
    }
  } finally {
    zipfile.close();
  }
}

async function extractFile(zip: Buffer, zipfile: ZipFile, file: FileItem, dest: string): Promise<void> {
  const path = join(dest, file.path);
  // wx: never follow or overwrite something already there.
  if (fitsInMemory(file)) await writeFile(path, await readEntry(zip, zipfile, file), { flag: 'wx', mode: 0o600 });
  else await pipeline(await openEntry(zipfile, file), createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  // After the write, not at open: the umask would strip bits from the open mode. Owner read is
  // forced so copies of the prepared tree can always be made.
  await chmod(path, file.mode | 0o400);
}
