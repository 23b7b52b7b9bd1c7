// The bytes of one file entry, proven to be what the central directory declares: its size and
// its CRC-32. Upload verification and extraction both read entries through here, so a zip that
// passed at upload reads the same way at extraction, byte for byte.
import { Transform, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import { crc32, inflateRaw } from 'node:zlib';
import type { Entry, ZipFile } from 'yauzl';
import { CodeError } from './code-error.ts';

// Code is mostly many small files; inflating those from the buffer in hand costs a tenth of a
// stream per file. Bigger ones stream, so memory stays bounded whatever the zip declares.
export const IN_MEMORY_MAX = 1024 * 1024;
const inflate = promisify(inflateRaw);

export interface FileEntry {
  path: string;
  entry: Entry;
}

/** Whether `readEntry` (in memory) or `openEntry` (a stream) reads this entry. */
export const fitsInMemory = ({ entry }: FileEntry) => entry.uncompressedSize <= IN_MEMORY_MAX;

/** The whole entry in memory; for entries that fit (see fitsInMemory). */
export async function readEntry(zip: Buffer, zipfile: ZipFile, { entry, path }: FileEntry): Promise<Buffer> {
  try {
    const { fileDataStart } = await new Promise<{ fileDataStart: number }>((resolve, reject) =>
      zipfile.readLocalFileHeader(entry, { minimal: true }, (err, header) => (err ? reject(err) : resolve(header))),
    );
    const stored = zip.subarray(fileDataStart, fileDataStart + entry.compressedSize);
    if (stored.length !== entry.compressedSize) throw new CodeError(`code zip entry '${path}' is truncated`);
    // maxOutputLength stops a lying size field from inflating past what the index allowed.
    const data = entry.compressionMethod === 8 ? await inflate(stored, { maxOutputLength: Math.max(1, entry.uncompressedSize) }) : stored;
    if (data.length !== entry.uncompressedSize) throw wrongSize(path, entry.uncompressedSize);
    if (crc32(data) >>> 0 !== entry.crc32 >>> 0) throw corrupt(path);
    return data;
  } catch (err) {
    throw asCodeError(err, path, entry);
  }
}

/**
 * A stream of the entry's bytes that errors (a CodeError) if they are not the declared ones.
 * yauzl checks the size (validateEntrySizes) but not the CRC, so the CRC is checked here.
 */
export async function openEntry(zipfile: ZipFile, { entry, path }: FileEntry): Promise<Readable> {
  let crc = 0;
  const checked = new Transform({
    transform(chunk: Buffer, _enc, done) {
      crc = crc32(chunk, crc);
      done(null, chunk);
    },
    flush(done) {
      done(crc >>> 0 === entry.crc32 >>> 0 ? null : corrupt(path));
    },
  });
  const source = await zipfile.openReadStreamPromise(entry).catch((err: unknown) => {
    throw asCodeError(err, path, entry);
  });
  source.on('error', (err) => checked.destroy(asCodeError(err, path, entry)));
  return source.pipe(checked);
}

const corrupt = (path: string) => new CodeError(`code zip entry '${path}' fails its CRC-32 check (the zip is corrupt)`);
const wrongSize = (path: string, declared: number) =>
  new CodeError(`code zip entry '${path}' does not unpack to the ${declared} bytes its header declares (the zip is corrupt)`);

/** zlib and yauzl errors name no entry; the user needs to know which one and that it is the zip's fault. */
function asCodeError(err: unknown, path: string, entry: Entry): CodeError {
  if (err instanceof CodeError) return err;
  const message = (err as Error).message ?? String(err);
  // zlib's maxOutputLength: the data inflates past the declared size
  if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /too large|too many bytes|not enough bytes/i.test(message)) {
    return wrongSize(path, entry.uncompressedSize);
  }
  return new CodeError(`code zip entry '${path}' cannot be read: ${message} (the zip is corrupt)`);
}
