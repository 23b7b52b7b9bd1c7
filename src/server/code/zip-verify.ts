// Upload-time proof that a zip extracts: the index rules (names, kinds, counts, declared sizes)
// and then every file entry read in full, the way extraction will read it, with its size and
// CRC-32 checked. Create and update answer 200 only after this, so a zip that was accepted and
// then fails to extract is a bug, never the user's bad luck at the first invoke.
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { CodeLimits } from './limits.ts';
import { fitsInMemory, openEntry, readEntry } from './zip-entry-data.ts';
import { readZipIndex, type ZipItem } from './zip-index.ts';

// zlib's async inflate runs on libuv's pool (4 threads by default); more only queues there.
const PARALLEL_ENTRIES = 4;

type FileItem = Extract<ZipItem, { kind: 'file' }>;

/** Resolves with the zip's items when it would extract; rejects with a CodeError naming the first broken rule. */
export async function verifyZip(zip: Buffer, limits: CodeLimits): Promise<ZipItem[]> {
  const { zipfile, items } = await readZipIndex(zip, limits);
  try {
    const queue = items.filter((i): i is FileItem => i.kind === 'file');
    const worker = async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        if (fitsInMemory(file)) await readEntry(zip, zipfile, file);
        else await pipeline(await openEntry(zipfile, file), discard());
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_ENTRIES, queue.length) }, worker));
    return items;
  } finally {
    zipfile.close();
  }
}

const discard = () => new Writable({ write: (_chunk, _enc, done) => done() });
