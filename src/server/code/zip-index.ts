// Reads a zip's central directory into a validated list of what it would create. Every rule
// about names, kinds, counts and sizes is checked here, before a byte reaches the disk, and
// extraction trusts the result.
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { CodeError } from './code-error.ts';
import { formatBytes, type CodeLimits } from './limits.ts';
import { checkTree } from './zip-tree.ts';

export type ZipItem =
  | { kind: 'dir'; path: string; mode: number }
  | { kind: 'file'; path: string; mode: number; entry: Entry }
  | { kind: 'symlink'; path: string; target: string };

export interface ZipIndex {
  zipfile: ZipFile;
  items: ZipItem[];
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MSDOS_DIR = 0x10;
// A symlink's target is its data; PATH_MAX bounds it, so a "symlink" cannot be a bomb.
const MAX_LINK_TARGET = 4096;
// Linux's NAME_MAX per path segment; and half its PATH_MAX (4096) for a whole entry path, which
// leaves the other half for the data directory the code is extracted under.
const MAX_NAME_BYTES = 255;
const MAX_PATH_BYTES = 2048;

export async function readZipIndex(zip: Buffer, limits: CodeLimits): Promise<ZipIndex> {
  if (zip.length === 0) throw new CodeError('code zip is empty (0 bytes)');
  if (zip.length > limits.maxZipBytes) {
    throw new CodeError(`code zip is ${zip.length} bytes, over the ${formatBytes(limits.maxZipBytes)} limit`);
  }
  // decodeStrings: false so that yauzl does not reject bad names with its own wording; we
  // decode and judge them ourselves and say which rule the entry broke.
  const zipfile = await unreadable(() =>
    yauzl.fromBufferPromise(zip, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }),
  );
  if (zipfile.entryCount > limits.maxEntries) {
    throw new CodeError(`code zip has ${zipfile.entryCount} entries, over the limit of ${limits.maxEntries}`);
  }
  const items: ZipItem[] = [];
  let total = 0;
  await unreadable(async () => {
    for await (const entry of zipfile.eachEntry()) {
      const item = await toItem(zipfile, entry);
      if (!item) continue;
      if (item.kind === 'file') total += entry.uncompressedSize;
      if (total > limits.maxExtractedBytes) {
        throw new CodeError(`code zip unpacks to more than the ${formatBytes(limits.maxExtractedBytes)} limit`);
      }
      items.push(item);
    }
  });
  checkTree(items);
  return { zipfile, items };
}

async function toItem(zipfile: ZipFile, entry: Entry): Promise<ZipItem | null> {
  const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
  const path = normalizeName(raw);
  if (path === '') return null; // "./" and the like name the code directory itself
  const { kind, mode } = kindAndMode(entry, raw);
  if (entry.isEncrypted()) throw new CodeError(`code zip entry '${raw}' is encrypted, which is not supported`);
  if (kind !== 'dir' && entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new CodeError(
      `code zip entry '${raw}' uses compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are supported`,
    );
  }
  if (kind === 'dir') return { kind, path, mode };
  if (kind === 'file') return { kind, path, mode, entry };
  if (entry.uncompressedSize > MAX_LINK_TARGET) {
    throw new CodeError(`code zip symlink '${raw}' has a target longer than ${MAX_LINK_TARGET} bytes`);
  }
  const stream = await zipfile.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  // yauzl checks the size but not the CRC; a flipped bit in a target would point somewhere else.
  if (crc32(data) >>> 0 !== entry.crc32 >>> 0) throw new CodeError(`code zip symlink '${raw}' fails its CRC-32 check (the zip is corrupt)`);
  const target = data.toString('utf8');
  if (target === '' || target.includes('\0')) throw new CodeError(`code zip symlink '${raw}' has an invalid target`);
  if (target.startsWith('/') || /^[a-zA-Z]:/.test(target)) {
    throw new CodeError(`code zip symlink '${raw}' points to the absolute path '${target}'`);
  }
  return { kind, path, target };
}

/** Checks one entry name and returns it without '.' and empty segments. */
function normalizeName(raw: string): string {
  if (raw.includes('\0')) throw new CodeError(`code zip entry '${shown(raw)}' has a NUL byte in its name`);
  if (raw.startsWith('/') || /^[a-zA-Z]:/.test(raw)) {
    throw new CodeError(`code zip entry '${shown(raw)}' has an absolute path`);
  }
  const segments = raw.split('/');
  if (segments.includes('..')) throw new CodeError(`code zip entry '${shown(raw)}' escapes the code directory`);
  const kept = segments.filter((s) => s !== '' && s !== '.');
  // The filesystem's own limits, checked here so that extraction cannot meet ENAMETOOLONG.
  for (const segment of kept) {
    const bytes = Buffer.byteLength(segment);
    if (bytes > MAX_NAME_BYTES) {
      throw new CodeError(`code zip entry '${shown(raw)}' has a name of ${bytes} bytes ('${shown(segment)}'); a file or directory name may have at most ${MAX_NAME_BYTES}`);
    }
  }
  const path = kept.join('/');
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_PATH_BYTES) throw new CodeError(`code zip entry '${shown(raw)}' has a path of ${bytes} bytes; at most ${MAX_PATH_BYTES} are allowed`);
  return path;
}

/** A name as an error message shows it: long ones cut in the middle, so the message stays readable. */
function shown(name: string): string {
  return name.length <= 80 ? name : `${name.slice(0, 50)}…${name.slice(-20)}`;
}

function kindAndMode(entry: Entry, raw: string): { kind: ZipItem['kind']; mode: number } {
  // Like Go's archive/zip: only zips made on Unix (3) or macOS (19) carry a unix mode in the
  // high half of the external attributes; others (Windows tools) carry MS-DOS bits there.
  const host = entry.versionMadeBy >> 8;
  const unixMode = host === 3 || host === 19 ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode & S_IFMT;
  const isDir = raw.endsWith('/') || type === S_IFDIR || (unixMode === 0 && (entry.externalFileAttributes & MSDOS_DIR) !== 0);
  if (isDir) return { kind: 'dir', mode: (unixMode & 0o777) || 0o755 };
  if (type === S_IFLNK) return { kind: 'symlink', mode: 0o777 };
  return { kind: 'file', mode: (unixMode & 0o777) || 0o644 };
}

/** Anything yauzl or zlib throws means the bytes are not a zip we can read. */
async function unreadable<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CodeError) throw err;
    throw new CodeError(`code is not a readable zip: ${(err as Error).message}`);
  }
}
