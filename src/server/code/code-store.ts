// Code by content: each distinct zip is stored once under its CRC-64 and extracted once into a
// prepared directory that instances copy from. Layout under `dir`:
//   zips/<checksum>.zip     the bytes, as uploaded
//   prepared/<checksum>/    the extracted tree; it exists only once complete
//   derived/<checksum>-<key>/ what a runtime made of it (Go: the built binary), once complete
//   cache/<name>/           a runtime's own build cache (Go's GOCACHE), kept across builds
//   tmp/                    work in progress, renamed into place (same filesystem, so atomic)
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodeError } from './code-error.ts';
import { crc64 } from './crc64.ts';
import { checkEntryPoint, checkZipEntryPoint, startsBootstrap, type PrepareCheck } from './entry-point.ts';
import { resolveLimits, type CodeLimits } from './limits.ts';
import { copyTree } from './copy-tree.ts';
import { extractZip } from './zip-extract.ts';
import { readZipIndex } from './zip-index.ts';
import { verifyZip } from './zip-verify.ts';

export interface StoredCode {
  checksum: string;
  size: number;
}

export type Preparation = { status: 'Ready'; dir: string } | { status: 'Failed'; reason: string };

export interface CodeStore {
  /**
   * Verifies the whole zip (every entry read, sizes and CRCs checked, names within limits; a
   * CodeError names the broken rule) and stores it once under its checksum. With `check`, also
   * refuses an entry point the index proves can never start (see checkZipEntryPoint).
   */
  put(zip: Buffer, check?: PrepareCheck): Promise<StoredCode>;
  /** For a config change without new code: refuses (CodeError) what put would refuse for `check`. */
  checkEntryPoint(checksum: string, check: PrepareCheck): Promise<void>;
  /** The stored bytes, for GetFunctionCode; CodeError when no such code is stored. */
  read(checksum: string): Promise<Buffer>;
  has(checksum: string): boolean;
  /**
   * Extracts the code once into prepared/<checksum>/ (concurrent calls share the work), then
   * checks the entry point for this runtime and handler. Failed carries the reason; a failed
   * check keeps the extracted tree so the runtime can still report its own error.
   */
  prepare(checksum: string, check: PrepareCheck): Promise<Preparation>;
  /** The extracted tree if extraction has finished (whatever any entry-point check said), else null. */
  preparedDir(checksum: string): string | null;
  /** A private writable copy of the prepared tree at `dest`, which must not exist. */
  materialize(checksum: string, dest: string): Promise<void>;
  /** The unaccelerated path: extracts the stored zip straight into `dest`. */
  extractTo(checksum: string, dest: string): Promise<void>;
  /**
   * Makes, once per checksum and key, what a runtime builds from the prepared tree (`make` creates
   * the work dir it is given; concurrent calls share the work); a CodeError from `make` is the reason.
   */
  derive(checksum: string, key: string, make: (workDir: string) => Promise<void>): Promise<string>;
  /** The derived tree if it is complete, else null. */
  derivedDir(checksum: string, key: string): string | null;
  /** A runtime's persistent build cache directory (created on demand). */
  cacheDir(name: string): string;
}

export function createCodeStore(opts: { dir: string; limits?: Partial<CodeLimits> }): CodeStore {
  const limits = resolveLimits(opts.limits);
  const zips = join(opts.dir, 'zips');
  const prepared = join(opts.dir, 'prepared');
  const tmp = join(opts.dir, 'tmp');
  const derived = join(opts.dir, 'derived');
  // Only an interrupted write can leave something in tmp, and one store owns its dir (two
  // live stores on the same dir would clear each other's work here).
  rmSync(tmp, { recursive: true, force: true });
  for (const d of [zips, prepared, tmp, derived]) mkdirSync(d, { recursive: true });
  // One extraction per checksum at a time; later callers join the one under way.
  const extracting = new Map<string, Promise<string>>();
  const deriving = new Map<string, Promise<string>>();
  const derivedPath = (checksum: string, key: string) => join(derived, `${checked(checksum)}-${key.replace(/[^\w.-]/g, '_')}`);

  const zipPath = (checksum: string) => join(zips, `${checked(checksum)}.zip`);
  const preparedPath = (checksum: string) => join(prepared, checked(checksum));

  async function readStored(checksum: string): Promise<Buffer> {
    return readFile(zipPath(checksum)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new CodeError(`no stored code has checksum ${checksum}`);
      throw err;
    });
  }

  async function extractOnce(checksum: string): Promise<string> {
    const target = preparedPath(checksum);
    if (existsSync(target)) return target;
    // 1. extract beside the target, 2. rename: a crash leaves tmp litter, never half a tree
    const work = await mkdtemp(join(tmp, `${checksum}-`));
    try {
      await extractZip(await readStored(checksum), work, limits);
      await rename(work, target);
    } catch (err) {
      await rm(work, { recursive: true, force: true });
      // Another store on this dir may have won the rename; its tree is as good as ours.
      if (existsSync(target)) return target;
      throw err;
    }
    return target;
  }

  return {
    async put(zip, check) {
      // Extraction happens later (prepare, or the first instance); whatever can fail there must fail here.
      const items = await verifyZip(zip, limits);
      const refused = check ? checkZipEntryPoint(items, check) : null;
      if (refused) throw new CodeError(refused);
      const checksum = crc64(zip).toString();
      const path = zipPath(checksum);
      if (!existsSync(path)) {
        const work = join(tmp, `${checksum}-${process.pid}-${Math.random().toString(36).slice(2)}.zip`);
        await writeFile(work, zip);
        await rename(work, path);
      }
      return { checksum, size: zip.length };
    },

    async checkEntryPoint(checksum, check) {
      if (!startsBootstrap(check)) return; // nothing the index could refuse: spare reading the zip
      // The zip was verified when it was stored; its index is all the check needs.
      const { zipfile, items } = await readZipIndex(await readStored(checksum), limits);
      zipfile.close();
      const refused = checkZipEntryPoint(items, check);
      if (refused) throw new CodeError(refused);
    },

    read: readStored,

    has: (checksum) => isChecksum(checksum) && existsSync(zipPath(checksum)),

    async prepare(checksum, check) {
      let running = extracting.get(checksum);
      if (!running) {
        running = extractOnce(checksum).finally(() => extracting.delete(checksum));
        extracting.set(checksum, running);
      }
      let dir: string;
      try {
        dir = await running;
      } catch (err) {
        if (err instanceof CodeError) return { status: 'Failed', reason: err.message };
        throw err;
      }
      const reason = await checkEntryPoint(dir, check);
      return reason === null ? { status: 'Ready', dir } : { status: 'Failed', reason };
    },

    preparedDir(checksum) {
      if (!isChecksum(checksum)) return null;
      const path = preparedPath(checksum);
      return existsSync(path) ? path : null;
    },

    async materialize(checksum, dest) {
      const source = preparedPath(checksum);
      if (!existsSync(source)) throw new Error(`code ${checksum} is not prepared; use extractTo`);
      await copyTree(source, dest);
    },

    async extractTo(checksum, dest) {
      await extractZip(await readStored(checksum), dest, limits);
    },

    derive(checksum, key, make) {
      const target = derivedPath(checksum, key);
      if (existsSync(target)) return Promise.resolve(target);
      let running = deriving.get(target);
      if (!running) {
        running = (async () => {
          // 1. make it beside the target, 2. rename: a crash or a failed build leaves no half tree
          const holder = await mkdtemp(join(tmp, `derive-${checksum}-`));
          const work = join(holder, 'tree'); // `make` creates it
          try {
            await make(work);
            await rename(work, target);
            return target;
          } catch (err) {
            if (existsSync(target)) return target;
            throw err;
          } finally {
            await rm(holder, { recursive: true, force: true });
          }
        })().finally(() => deriving.delete(target));
        deriving.set(target, running);
      }
      return running;
    },

    derivedDir(checksum, key) {
      if (!isChecksum(checksum)) return null;
      const path = derivedPath(checksum, key);
      return existsSync(path) ? path : null;
    },

    cacheDir(name) {
      const dir = join(opts.dir, 'cache', name.replace(/[^\w.-]/g, '_'));
      mkdirSync(dir, { recursive: true });
      return dir;
    },
  };
}

function isChecksum(checksum: string): boolean {
  return /^[0-9]{1,20}$/.test(checksum);
}

/** Checksums become path segments, so anything but a decimal number is refused. */
function checked(checksum: string): string {
  if (!isChecksum(checksum)) throw new CodeError(`'${checksum}' is not a code checksum (an unsigned decimal number)`);
  return checksum;
}
