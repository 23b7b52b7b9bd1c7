// A zip that put accepts is a zip that extracts: every entry is read and checked at upload, so
// what used to pass the central directory check and then fail at the first invoke (CRC
// mismatches, sizes that lie, names the filesystem refuses, damaged bytes) is refused up front.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeError, createCodeStore, type PrepareCheck } from './index.ts';
import { buildZip, type TestEntry } from './zip-builder.testkit.ts';
import { useTempDir } from './test-dir.testkit.ts';

const tempDir = useTempDir();
const BIG = Buffer.alloc(2 * 1024 * 1024, 'fnplay '); // past the in-memory path, so it streams

async function refusal(zip: Buffer, check?: PrepareCheck): Promise<string> {
  const store = createCodeStore({ dir: tempDir() });
  const err = await store.put(zip, check).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(CodeError);
  return (err as CodeError).message;
}

describe('code store put verifies every entry', () => {
  it.each([
    ['a small entry', 'a/b.js', 'x'.repeat(100)],
    ['a large (streamed) entry', 'big.bin', BIG],
  ])('refuses %s that fails its CRC check', async (_what, name, data) => {
    const zip = buildZip([{ name: 'index.js', data: 'ok' }, { name, data }], { corruptCrcOf: name });
    expect(await refusal(zip)).toBe(`code zip entry '${name}' fails its CRC-32 check (the zip is corrupt)`);
  });

  it('refuses a symlink whose target fails its CRC check', async () => {
    const zip = buildZip([{ name: 'a.js', data: '' }, { name: 'b.js', symlink: 'a.js' }], { corruptCrcOf: 'b.js' });
    expect(await refusal(zip)).toMatch(/symlink 'b.js' fails its CRC-32 check/);
  });

  it.each([
    ['inflates past the size it declares', 'x'.repeat(10_000), 1],
    ['inflates to less than it declares', 'x'.repeat(100), 200],
    ['streams past the size it declares', BIG, BIG.length - 1],
    ['streams less than it declares', BIG, BIG.length + 10],
  ])('refuses an entry that %s', async (_what, data, declared) => {
    const zip = buildZip([{ name: 'lie.bin', data }], { declaredSizes: { 'lie.bin': declared } });
    expect(await refusal(zip)).toBe(`code zip entry 'lie.bin' does not unpack to the ${declared} bytes its header declares (the zip is corrupt)`);
  });

  it('refuses a stored (uncompressed) entry whose two sizes disagree', async () => {
    const zip = buildZip([{ name: 'raw.txt', data: 'abc', store: true }], { declaredSizes: { 'raw.txt': 4 } });
    expect(await refusal(zip)).toMatch(/^code is not a readable zip: .*size mismatch/);
  });

  it('refuses names the filesystem would refuse: a segment over 255 bytes, a path over 2048', async () => {
    expect(await refusal(buildZip([{ name: `lib/${'n'.repeat(256)}.js`, data: '' }]))).toMatch(/has a name of 259 bytes .*at most 255/);
    // 128 two-byte characters: 128 characters, 256 bytes
    expect(await refusal(buildZip([{ name: 'é'.repeat(128), data: '' }]))).toMatch(/has a name of 256 bytes/);
    const deep = Array.from({ length: 9 }, () => 'd'.repeat(250)).join('/');
    expect(await refusal(buildZip([{ name: deep, data: '' }]))).toMatch(/has a path of 2258 bytes; at most 2048/);
    const store = createCodeStore({ dir: tempDir() });
    await expect(store.put(buildZip([{ name: `${'n'.repeat(252)}.js`, data: '' }]))).resolves.toBeTruthy();
  });

  it('keeps long names short in its messages', async () => {
    const message = await refusal(buildZip([{ name: 'n'.repeat(5000), data: '' }]));
    expect(message.length).toBeLessThan(300);
  });

  it('refuses a truncated zip', async () => {
    const zip = buildZip([{ name: 'index.js', data: 'x'.repeat(1000) }]);
    for (const cut of [1, 10, 22, zip.length - 1]) expect(await refusal(zip.subarray(0, zip.length - cut))).toMatch(/^code/);
  });
});

describe('code store put with the function it is for', () => {
  const CUSTOM: PrepareCheck = { runtime: 'custom.debian10', handler: 'index.handler' };
  const message = /^bootstrap is a directory: a custom runtime starts the executable file named bootstrap/;

  it.each<[string, TestEntry[]]>([
    ['listed', [{ name: 'bootstrap/', dir: true }]],
    ['implied by a file beneath it', [{ name: 'bootstrap/run.sh', data: '#!/bin/sh\n', mode: 0o755 }]],
    ['reached by a symlink', [{ name: 'lib/x', data: '' }, { name: 'bootstrap', symlink: 'lib/' }]],
    ['reached by a symlink to the root', [{ name: 'bootstrap', symlink: '.' }]],
  ])('refuses a custom runtime whose bootstrap is a directory (%s)', async (_what, entries) => {
    expect(await refusal(buildZip(entries), CUSTOM)).toMatch(message);
  });

  it('accepts the same zip for a custom command, for Node.js, and without a check', async () => {
    const zip = buildZip([{ name: 'bootstrap/index.js', data: '' }]);
    const store = createCodeStore({ dir: tempDir() });
    await expect(store.put(zip, { ...CUSTOM, customCommand: ['node', 'bootstrap/index.js'] })).resolves.toBeTruthy();
    await expect(store.put(zip, { runtime: 'nodejs20', handler: 'bootstrap/index.handler' })).resolves.toBeTruthy();
    await expect(store.put(zip)).resolves.toBeTruthy();
  });

  it('checks stored code against a new config (a runtime or command change without new code)', async () => {
    const store = createCodeStore({ dir: tempDir() });
    const { checksum } = await store.put(buildZip([{ name: 'bootstrap/index.js', data: '' }]), { runtime: 'nodejs20', handler: 'index.handler' });
    await expect(store.checkEntryPoint(checksum, CUSTOM)).rejects.toThrow(message);
    await expect(store.checkEntryPoint(checksum, { ...CUSTOM, customCommand: ['node'] })).resolves.toBeUndefined();
  });

  it('leaves a missing bootstrap to the start error FC gives', async () => {
    const store = createCodeStore({ dir: tempDir() });
    await expect(store.put(buildZip([{ name: 'main', data: '' }]), CUSTOM)).resolves.toBeTruthy();
    await expect(store.put(buildZip([{ name: 'bootstrap', symlink: 'main' }, { name: 'main', data: '' }]), CUSTOM)).resolves.toBeTruthy();
  });
});

/** Deterministic damage: xorshift32 from a fixed seed, so a failure names a case that replays. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe('a zip accepted is a zip that extracts', () => {
  const entries: TestEntry[] = [
    { name: 'lib/', dir: true, mode: 0o750 },
    { name: 'index.js', data: 'exports.handler = async () => "hello from a zip that must extract";\n'.repeat(3) },
    { name: 'lib/util.js', data: 'module.exports = 42;', store: true },
    { name: 'bootstrap', data: '#!/bin/sh\nexec node index.js\n', mode: 0o755 },
    { name: 'util.js', symlink: 'lib/util.js' },
  ];

  async function acceptedExtracts(zip: Buffer, what: string, root: string, store = createCodeStore({ dir: join(root, 'store') })) {
    const stored = await store.put(zip).catch((err: unknown) => {
      expect(err, what).toBeInstanceOf(CodeError);
      return null;
    });
    if (stored) await expect(store.extractTo(stored.checksum, mkdtempSync(join(root, 'x-'))), what).resolves.toBeUndefined();
    return stored !== null;
  }

  it('holds for one flipped bit at every byte of a small zip, and for every truncation', async () => {
    const zip = buildZip(entries);
    const next = prng(0x5eed);
    const root = tempDir();
    const store = createCodeStore({ dir: join(root, 'store') });
    let accepted = 0;
    for (let at = 0; at < zip.length; at++) {
      const bad = Buffer.from(zip);
      const bit = next() % 8;
      bad[at] ^= 1 << bit;
      if (await acceptedExtracts(bad, `bit ${bit} of byte ${at}`, root, store)) accepted++;
    }
    for (let len = 0; len < zip.length; len += 7) await acceptedExtracts(zip.subarray(0, len), `first ${len} bytes`, root, store);
    // Some flips land where nothing is checked (dates, modes, the extra bytes of a name): fine, as long as they extract.
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(zip.length);
  });

  it('holds for seeded flips in a zip with a streamed entry', async () => {
    const zip = buildZip([...entries, { name: 'big.bin', data: BIG }]);
    const next = prng(0xb16);
    const root = tempDir();
    const store = createCodeStore({ dir: join(root, 'store') });
    for (let i = 0; i < 60; i++) {
      const bad = Buffer.from(zip);
      const at = next() % zip.length;
      bad[at] ^= 1 << next() % 8;
      await acceptedExtracts(bad, `flip at byte ${at}`, root, store);
    }
  });
});
