// Broken zips made from a valid one, each broken in a way the upload must catch: a bit flipped
// where a check covers it (stored data under its CRC, the CRC and size fields, signatures), cut
// short, lying about sizes, or naming paths no extraction may write.
import { buildZip, type TestEntry } from '../../src/server/code/zip-builder.testkit.ts';
import type { Random } from './bad-input-random.ts';

export interface BrokenZip {
  what: string;
  zip: Buffer;
}

/** Stored (method 0) files only, so that every bit of their data is covered by their CRC. */
export const VALID_ENTRIES: TestEntry[] = [
  { name: 'index.js', data: "exports.handler = async () => 'ok';\n", store: true },
  { name: 'lib/', dir: true },
  { name: 'lib/util.js', data: 'module.exports = { answer: 42, text: "a stored entry" };\n', store: true },
  { name: 'util.js', symlink: 'lib/util.js' },
];

interface CentralEntry {
  name: string;
  at: number; // offset of its central directory header
  local: number; // offset of its local header
  dataStart: number;
  compressedSize: number;
  isLink: boolean;
}

function centralDirectory(zip: Buffer): CentralEntry[] {
  const eocd = zip.length - 22;
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const out: CentralEntry[] = [];
  for (let i = 0; i < count; i++) {
    const nameLen = zip.readUInt16LE(p + 28);
    const extraLen = zip.readUInt16LE(p + 30);
    const commentLen = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const mode = zip.readUInt32LE(p + 38) >>> 16;
    out.push({ name: zip.toString('utf8', p + 46, p + 46 + nameLen), at: p, local, dataStart, compressedSize: zip.readUInt32LE(p + 20), isLink: (mode & 0o170000) === 0o120000 });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

const flipped = (zip: Buffer, at: number, bit: number) => {
  const out = Buffer.from(zip);
  out[at] ^= 1 << bit;
  return out;
};

/** `n` seeded broken zips of each kind, plus the fixed name cases. */
export function brokenZips(rnd: Random, n: number): BrokenZip[] {
  const zip = buildZip(VALID_ENTRIES);
  const entries = centralDirectory(zip);
  const withData = entries.filter((e) => e.compressedSize > 0);
  const out: BrokenZip[] = [];
  for (let i = 0; i < n; i++) {
    // 1. a bit of stored data (files and symlink targets): its CRC-32 no longer matches
    const e = rnd.pick(withData);
    const at = e.dataStart + rnd.int(e.compressedSize);
    const bit = rnd.int(8);
    out.push({ what: `bit ${bit} of data byte ${at} ('${e.name}') flipped`, zip: flipped(zip, at, bit) });
    // 2. a bit of a declared CRC-32 or size in the central directory
    const field = rnd.pick([['CRC-32', 16], ['compressed size', 20], ['uncompressed size', 24]] as const);
    const c = rnd.pick(withData);
    const fieldBit = rnd.int(32);
    out.push({ what: `bit ${fieldBit} of the ${field[0]} of '${c.name}' flipped`, zip: flipped(zip, c.at + field[1] + (fieldBit >> 3), fieldBit & 7) });
    // 3. cut short anywhere: the end record (or more) is gone
    const keep = rnd.int(zip.length);
    out.push({ what: `cut to its first ${keep} of ${zip.length} bytes`, zip: zip.subarray(0, keep) });
  }
  // 4. each signature, one bit off
  // (a directory's local header is never read, by extraction either: damage there is harmless)
  for (const e of withData) out.push({ what: `local header signature of '${e.name}' damaged`, zip: flipped(zip, e.local + rnd.int(4), rnd.int(8)) });
  out.push({ what: 'central directory signature damaged', zip: flipped(zip, entries[0]!.at + rnd.int(4), rnd.int(8)) });
  out.push({ what: 'end record signature damaged', zip: flipped(zip, zip.length - 22 + rnd.int(4), rnd.int(8)) });
  // 5. sizes that lie (both headers agree, the data does not)
  const lie = (name: string, size: number) => buildZip(VALID_ENTRIES, { declaredSizes: { [name]: size } });
  out.push({ what: 'index.js declares one byte more than it holds', zip: lie('index.js', 37) });
  out.push({ what: 'index.js declares one byte less than it holds', zip: lie('index.js', 35) });
  out.push({ what: 'a deflated entry inflates past its declared size', zip: buildZip([{ name: 'index.js', data: 'x'.repeat(50_000) }], { declaredSizes: { 'index.js': 1000 } }) });
  out.push({ what: 'a deflated entry inflates short of its declared size', zip: buildZip([{ name: 'index.js', data: 'x'.repeat(5_000) }], { declaredSizes: { 'index.js': 9_000 } }) });
  out.push({ what: 'index.js fails its CRC check', zip: buildZip(VALID_ENTRIES, { corruptCrcOf: 'index.js' }) });
  out.push({ what: 'a symlink fails its CRC check', zip: buildZip(VALID_ENTRIES, { corruptCrcOf: 'util.js' }) });
  // 6. names no extraction may write
  const named = (what: string, extra: TestEntry) => out.push({ what, zip: buildZip([...VALID_ENTRIES, extra]) });
  named("an entry '../evil'", { name: '../evil', data: 'x' });
  named("an entry 'a/../../evil'", { name: 'a/../../evil', data: 'x' });
  named('an absolute entry', { name: '/etc/evil', data: 'x' });
  named('a Windows drive entry', { name: 'C:\\evil', data: 'x' });
  named('a NUL in a name', { name: 'in\0dex2.js', data: 'x' });
  named('a name segment of 256 bytes', { name: `lib/${'n'.repeat(256)}`, data: 'x' });
  named('a name of 128 two-byte characters', { name: 'é'.repeat(128), data: 'x' });
  named('a path of 2,051 bytes', { name: Array.from({ length: 9 }, () => 'd'.repeat(227)).join('/'), data: 'x' });
  named('index.js twice', { name: 'index.js', data: 'again' });
  named('an entry beneath a file', { name: 'index.js/x', data: 'x' });
  named('an entry beneath a symlink', { name: 'util.js/x', data: 'x' });
  named('a symlink out of the tree', { name: 'up', symlink: '../../etc' });
  named('a symlink to an absolute path', { name: 'passwd', symlink: '/etc/passwd' });
  return out;
}

/** The valid zip the broken ones come from, for the fixtures. */
export const validZip = () => buildZip(VALID_ENTRIES);
