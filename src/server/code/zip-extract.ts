// Writes a validated zip into a directory: directories first, then files a few at a time, then
// symlinks last, so nothing is ever written through a link the zip itself made.
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import type { ZipFile } from 'yauzl';
import { CodeError } from './code-error.ts';
import type { CodeLimits } from './limits.ts';
import { readZipIndex, type ZipItem } from './zip-index.ts';

// Enough to overlap disk writes with inflating; more only adds open file descriptors.
const PARALLEL_FILES = 16;
const IN_MEMORY_MAX = 1024 * 1024;
const inflate = promisify(inflateRaw);

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
  try {
    // Code is mostly many small files; inflating those from the buffer in hand costs a tenth
    // of a stream per file. Big ones stream, so memory stays bounded.
    if (file.entry.uncompressedSize <= IN_MEMORY_MAX) await writeSmall(zip, zipfile, file, path);
    else await writeStreamed(zipfile, file, path);
  } catch (err) {
    if (err instanceof CodeError || isFsError(err)) throw err;
    throw new CodeError(`code zip entry '${file.path}' cannot be extracted: ${(err as Error).message}`);
  }
  // After the write, not at open: the umask would strip bits from the open mode. Owner read is
  // forced so copies of the prepared tree can always be made.
  await chmod(path, file.mode | 0o400);
}

async function writeSmall(zip: Buffer, zipfile: ZipFile, { entry, path: name }: FileItem, path: string): Promise<void> {
  const { fileDataStart } = await new Promise<{ fileDataStart: number }>((resolve, reject) =>
    zipfile.readLocalFileHeader(entry, { minimal: true }, (err, header) => (err ? reject(err) : resolve(header))),
  );
  const stored = zip.subarray(fileDataStart, fileDataStart + entry.compressedSize);
  if (stored.length !== entry.compressedSize) throw new CodeError(`code zip entry '${name}' is truncated`);
  // maxOutputLength stops a lying size field from inflating past what the index allowed.
  const data = entry.compressionMethod === 8 ? await inflate(stored, { maxOutputLength: Math.max(1, entry.uncompressedSize) }) : stored;
  if (data.length !== entry.uncompressedSize || crc32(data) >>> 0 !== entry.crc32 >>> 0) throw corrupt(name);
  // wx: never follow or overwrite something already there.
  await writeFile(path, data, { flag: 'wx', mode: 0o600 });
}

async function writeStreamed(zipfile: ZipFile, { entry, path: name }: FileItem, path: string): Promise<void> {
  let crc = 0;
  const checkCrc = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      // yauzl checks sizes but not CRCs; a corrupt entry must not become a prepared file.
      done(crc >>> 0 === entry.crc32 >>> 0 ? null : corrupt(name));
    },
  });
  const source = await zipfile.openReadStreamPromise(entry);
  await pipeline(source, checkCrc, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
}

const corrupt = (name: string) => new CodeError(`code zip entry '${name}' is corrupt (CRC-32 mismatch)`);

function isFsError(err: unknown): boolean {
  return typeof (err as NodeJS.ErrnoException)?.syscall === 'string';
}
