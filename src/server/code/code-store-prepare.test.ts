import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createCodeStore, type PrepareCheck } from './index.ts';
import { buildZip, type TestEntry } from './zip-builder.testkit.ts';
import { useTempDir } from './test-dir.testkit.ts';

const tempDir = useTempDir();

// Counts extractions while doing them for real.
const extractions = vi.hoisted(() => ({ count: 0 }));
vi.mock('./zip-extract.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('./zip-extract.ts')>();
  return {
    extractZip: (...args: Parameters<typeof real.extractZip>) => {
      extractions.count++;
      return real.extractZip(...args);
    },
  };
});

async function prepared(entries: TestEntry[], check: PrepareCheck) {
  const store = createCodeStore({ dir: tempDir() });
  const { checksum } = await store.put(buildZip(entries));
  return { store, checksum, result: await store.prepare(checksum, check) };
}

const mode = (path: string) => statSync(path).mode & 0o777;
const NODE = { runtime: 'nodejs18', handler: 'index.handler' };
const CUSTOM = { runtime: 'custom', handler: 'index.handler' };

describe('code store prepare', () => {
  it('extracts once into prepared/<checksum>, keeping exec bits, dirs and symlinks', async () => {
    const { store, checksum, result } = await prepared(
      [
        { name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o755 },
        { name: 'lib/', dir: true, mode: 0o750 },
        { name: 'lib/data.txt', data: 'data', mode: 0o640 },
        { name: 'deep/er/file', data: 'implied parents' },
        { name: 'data', symlink: 'lib/data.txt' },
      ],
      CUSTOM,
    );
    expect(result.status).toBe('Ready');
    const dir = store.preparedDir(checksum)!;
    expect(result).toEqual({ status: 'Ready', dir });
    expect(mode(join(dir, 'bootstrap'))).toBe(0o755);
    expect(mode(join(dir, 'lib'))).toBe(0o750);
    expect(mode(join(dir, 'lib/data.txt'))).toBe(0o640);
    expect(readFileSync(join(dir, 'deep/er/file'), 'utf8')).toBe('implied parents');
    expect(lstatSync(join(dir, 'data')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'data'))).toBe('lib/data.txt');
    expect(readFileSync(join(dir, 'data'), 'utf8')).toBe('data');
  });

  it('has no prepared dir before prepare', async () => {
    const store = createCodeStore({ dir: tempDir() });
    const { checksum } = await store.put(buildZip([{ name: 'index.js', data: '' }]));
    expect(store.preparedDir(checksum)).toBeNull();
  });

  it('shares one extraction between concurrent calls for the same checksum', async () => {
    const dir = tempDir();
    const store = createCodeStore({ dir });
    const files = Array.from({ length: 200 }, (_, i) => ({ name: `f${i}.js`, data: `// ${i}` }));
    const { checksum } = await store.put(buildZip([{ name: 'index.js', data: '' }, ...files]));
    const before = extractions.count;
    const results = await Promise.all(Array.from({ length: 8 }, () => store.prepare(checksum, NODE)));
    expect(extractions.count - before).toBe(1);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(results[0].status).toBe('Ready');
    expect(readdirSync(join(dir, 'prepared'))).toEqual([checksum]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    // and once done, later calls find the tree instead of extracting again
    await store.prepare(checksum, NODE);
    expect(extractions.count - before).toBe(1);
  });

  it('reuses the prepared tree for a later call with another handler', async () => {
    const { store, checksum } = await prepared([{ name: 'a.js', data: '' }], { ...NODE, handler: 'a.handler' });
    const ino = statSync(store.preparedDir(checksum)!).ino;
    expect(await store.prepare(checksum, { ...NODE, handler: 'b.handler' })).toMatchObject({ status: 'Failed' });
    expect(statSync(store.preparedDir(checksum)!).ino).toBe(ino);
  });

  // put refuses such zips (code-store-put.test.ts); extraction checks again, for bytes that
  // changed on disk after they were verified.
  it.each([
    ['small (in memory)', 'index.js', 'x'.repeat(100)],
    ['large (streamed)', 'big.bin', Buffer.alloc(2 * 1024 * 1024, 1)],
  ])('fails preparation when a %s entry of the stored zip no longer matches its CRC', async (_what, name, data) => {
    const dir = tempDir();
    const store = createCodeStore({ dir });
    const { checksum } = await store.put(buildZip([{ name, data }]));
    writeFileSync(join(dir, 'zips', `${checksum}.zip`), buildZip([{ name, data }], { corruptCrcOf: name }));
    expect(await store.prepare(checksum, NODE)).toEqual({
      status: 'Failed',
      reason: `code zip entry '${name}' fails its CRC-32 check (the zip is corrupt)`,
    });
    expect(store.preparedDir(checksum)).toBeNull();
  });

  describe('nodejs handler file.export', () => {
    it.each([
      ['index.js', 'index.handler'],
      ['index.mjs', 'index.handler'],
      ['index.cjs', 'index.handler'],
      ['index/index.js', 'index.handler'],
      ['src/app.js', 'src/app.main'],
      ['my.module.js', 'my.module.handler'],
    ])('is Ready when %s exists for %s', async (file, handler) => {
      const { result } = await prepared([{ name: file, data: '' }], { runtime: 'nodejs20', handler });
      expect(result.status).toBe('Ready');
    });

    it('is Failed, naming the files it looked for, when none exists', async () => {
      const { result } = await prepared([{ name: 'main.js', data: '' }], NODE);
      expect(result).toEqual({
        status: 'Failed',
        reason: "handler 'index.handler' needs index.js, index.mjs, index.cjs or index/index.js in the code, found none",
      });
    });

    it('is Failed for a handler without a dot or pointing outside the code', async () => {
      const a = await prepared([{ name: 'index.js', data: '' }], { ...NODE, handler: 'index' });
      expect(a.result).toMatchObject({ status: 'Failed', reason: expect.stringMatching(/must look like file.function/) });
      const b = await prepared([{ name: 'index.js', data: '' }], { ...NODE, handler: '../index.handler' });
      expect(b.result).toMatchObject({ status: 'Failed', reason: expect.stringMatching(/outside the code/) });
    });

    it('keeps the extracted dir when the check fails, so the runtime can report its own error', async () => {
      const { store, checksum } = await prepared([{ name: 'main.js', data: '' }], NODE);
      expect(store.preparedDir(checksum)).not.toBeNull();
    });
  });

  describe('custom runtime bootstrap', () => {
    it.each(['custom', 'custom.debian10'])('is Ready for %s with an executable bootstrap', async (runtime) => {
      const { result } = await prepared([{ name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o755 }], { ...CUSTOM, runtime });
      expect(result.status).toBe('Ready');
    });

    it('is Failed when bootstrap is not executable, saying how to fix it', async () => {
      const { result } = await prepared([{ name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o644 }], CUSTOM);
      expect(result).toEqual({
        status: 'Failed',
        reason: 'bootstrap is not executable (mode 644): chmod 755 bootstrap before zipping',
      });
    });

    it('is Failed when there is no bootstrap', async () => {
      const { result } = await prepared([{ name: 'server.js', data: '' }], CUSTOM);
      expect(result).toMatchObject({ status: 'Failed', reason: expect.stringMatching(/^bootstrap not found/) });
    });

    it('does not look for bootstrap when a customCommand is given', async () => {
      const { result } = await prepared([{ name: 'server.js', data: '' }], { ...CUSTOM, customCommand: ['node', 'server.js'] });
      expect(result.status).toBe('Ready');
    });
  });

  describe('python handler file.function', () => {
    it('is Ready when file.py exists', async () => {
      const { result } = await prepared([{ name: 'index.py', data: '' }], { runtime: 'python3.10', handler: 'index.handler' });
      expect(result.status).toBe('Ready');
    });

    it('resolves dotted modules to package paths', async () => {
      const { result } = await prepared([{ name: 'pkg/mod.py', data: '' }], { runtime: 'python3', handler: 'pkg.mod.handler' });
      expect(result.status).toBe('Ready');
    });

    it('is Failed when file.py is missing', async () => {
      const { result } = await prepared([{ name: 'index.js', data: '' }], { runtime: 'python3.9', handler: 'index.handler' });
      expect(result).toEqual({ status: 'Failed', reason: "handler 'index.handler' needs index.py in the code, found none" });
    });
  });
});
