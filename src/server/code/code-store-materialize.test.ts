import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeError, createCodeStore } from './index.ts';
import { buildZip, type TestEntry } from './zip-builder.testkit.ts';
import { useTempDir } from './test-dir.testkit.ts';

const tempDir = useTempDir();
const mode = (path: string) => statSync(path).mode & 0o777;

const CODE: TestEntry[] = [
  { name: 'bootstrap', data: '#!/bin/sh\necho from-bootstrap\n', mode: 0o755 },
  { name: 'lib/config.json', data: '{"v":1}' },
  { name: 'config.json', symlink: 'lib/config.json' },
];

async function storeWith(entries: TestEntry[]) {
  const root = tempDir();
  const store = createCodeStore({ dir: join(root, 'store') });
  const { checksum } = await store.put(buildZip(entries));
  return { root, store, checksum };
}

describe('code store materialize', () => {
  it('gives an instance a copy that keeps exec bits and relative symlinks', async () => {
    const { root, store, checksum } = await storeWith(CODE);
    await store.prepare(checksum, { runtime: 'custom', handler: 'x' });
    const dest = join(root, 'instance-1');
    await store.materialize(checksum, dest);
    expect(mode(join(dest, 'bootstrap'))).toBe(0o755);
    expect(execFileSync(join(dest, 'bootstrap'), { encoding: 'utf8' })).toBe('from-bootstrap\n');
    // relative, so it points into the copy and not back into the shared prepared tree
    expect(readlinkSync(join(dest, 'config.json'))).toBe('lib/config.json');
  });

  it('gives an independent writable copy: writes never reach the prepared tree or other copies', async () => {
    const { root, store, checksum } = await storeWith(CODE);
    await store.prepare(checksum, { runtime: 'custom', handler: 'x' });
    const a = join(root, 'a');
    const b = join(root, 'b');
    await store.materialize(checksum, a);
    await store.materialize(checksum, b);
    writeFileSync(join(a, 'lib/config.json'), '{"v":2}');
    writeFileSync(join(a, 'config.json'), '{"v":3}'); // through the symlink: lands in a's own lib/
    writeFileSync(join(a, 'new.txt'), 'new');
    const prepared = store.preparedDir(checksum)!;
    expect(readFileSync(join(prepared, 'lib/config.json'), 'utf8')).toBe('{"v":1}');
    expect(readFileSync(join(b, 'lib/config.json'), 'utf8')).toBe('{"v":1}');
    expect(readFileSync(join(a, 'lib/config.json'), 'utf8')).toBe('{"v":3}');
    expect(existsSync(join(prepared, 'new.txt'))).toBe(false);
    expect(statSync(join(a, 'bootstrap')).ino).not.toBe(statSync(join(prepared, 'bootstrap')).ino);
  });

  it('refuses a destination that already exists', async () => {
    const { root, store, checksum } = await storeWith(CODE);
    await store.prepare(checksum, { runtime: 'custom', handler: 'x' });
    const dest = join(root, 'taken');
    mkdirSync(dest);
    await expect(store.materialize(checksum, dest)).rejects.toThrow(/already exists/);
  });

  it('refuses code that is not prepared yet, pointing at extractTo', async () => {
    const { root, store, checksum } = await storeWith(CODE);
    await expect(store.materialize(checksum, join(root, 'x'))).rejects.toThrow(/not prepared; use extractTo/);
  });
});

describe('code store extractTo', () => {
  it('extracts straight into dest with modes and symlinks, without preparing', async () => {
    const { root, store, checksum } = await storeWith(CODE);
    const dest = join(root, 'cold');
    await store.extractTo(checksum, dest);
    expect(mode(join(dest, 'bootstrap'))).toBe(0o755);
    expect(lstatSync(join(dest, 'config.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dest, 'config.json'), 'utf8')).toBe('{"v":1}');
    expect(store.preparedDir(checksum)).toBeNull();
  });

  it('answers a CodeError for a checksum it does not hold', async () => {
    const { root, store } = await storeWith(CODE);
    await expect(store.extractTo('42', join(root, 'x'))).rejects.toBeInstanceOf(CodeError);
  });
});
