import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodeError, crc64, createCodeStore } from './index.ts';
import { buildZip } from './zip-builder.testkit.ts';
import { useTempDir } from './test-dir.testkit.ts';

const tempDir = useTempDir();
const good = () => buildZip([{ name: 'index.js', data: 'exports.handler = (e, c, cb) => cb(null, "hi")' }]);

async function rejection(zip: Buffer, limits = {}): Promise<CodeError> {
  const store = createCodeStore({ dir: tempDir(), limits });
  const err = await store.put(zip).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CodeError);
  return err as CodeError;
}

describe('code store put', () => {
  it('stores a good zip once under its CRC-64, and a second put of the same bytes is a no-op', async () => {
    const dir = tempDir();
    const store = createCodeStore({ dir });
    const zip = good();
    const first = await store.put(zip);
    const second = await store.put(zip);
    expect(first).toEqual({ checksum: crc64(zip).toString(), size: zip.length });
    expect(second).toEqual(first);
    expect(readdirSync(join(dir, 'zips'))).toEqual([`${first.checksum}.zip`]);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    expect(store.has(first.checksum)).toBe(true);
    expect(await store.read(first.checksum)).toEqual(zip);
  });

  it('knows nothing of checksums it never stored, and refuses ones that are not numbers', async () => {
    const store = createCodeStore({ dir: tempDir() });
    expect(store.has('123')).toBe(false);
    expect(store.has('../../etc/passwd')).toBe(false);
    await expect(store.read('123')).rejects.toThrow(/no stored code has checksum 123/);
    await expect(store.read('../x')).rejects.toBeInstanceOf(CodeError);
  });

  it("rejects an entry named '../evil' as escaping the code directory", async () => {
    const err = await rejection(buildZip([{ name: '../evil', data: 'x' }]));
    expect(err.message).toBe("code zip entry '../evil' escapes the code directory");
  });

  it("rejects a '..' hidden in the middle of a path", async () => {
    const err = await rejection(buildZip([{ name: 'a/../../evil', data: 'x' }]));
    expect(err.message).toMatch(/escapes the code directory/);
  });

  it('rejects an absolute path such as /etc/x', async () => {
    const err = await rejection(buildZip([{ name: '/etc/x', data: 'x' }]));
    expect(err.message).toBe("code zip entry '/etc/x' has an absolute path");
  });

  it('rejects a Windows drive path, with backslashes read as separators', async () => {
    expect((await rejection(buildZip([{ name: 'C:\\x', data: 'x' }]))).message).toMatch(/absolute path/);
    expect((await rejection(buildZip([{ name: '..\\evil', data: 'x' }]))).message).toMatch(/escapes/);
  });

  it('rejects a symlink to an absolute path', async () => {
    const err = await rejection(buildZip([{ name: 'passwd', symlink: '/etc/passwd' }]));
    expect(err.message).toBe("code zip symlink 'passwd' points to the absolute path '/etc/passwd'");
  });

  it('rejects a symlink that climbs out of the tree', async () => {
    const err = await rejection(buildZip([{ name: 'lib/up', symlink: '../../outside' }]));
    expect(err.message).toBe("code zip symlink 'lib/up' -> '../../outside' points outside the code directory");
  });

  it('rejects a symlink that leaves the tree by way of another symlink', async () => {
    const zip = buildZip([
      { name: 'a/b', symlink: '..' }, // the code root: fine on its own
      { name: 'a/c', symlink: 'b/..' }, // reads as 'a', but b is the root, so b/.. is its parent
    ]);
    expect((await rejection(zip)).message).toMatch(/'a\/c' -> 'b\/\.\.' points outside/);
  });

  it('rejects an entry stored beneath a symlink, which extraction would write through', async () => {
    const zip = buildZip([
      { name: 'lib', symlink: '.' },
      { name: 'lib/x', data: 'x' },
    ]);
    expect((await rejection(zip)).message).toBe("code zip entry 'lib/x' lies beneath the symlink 'lib'");
  });

  it('rejects an entry stored beneath a file', async () => {
    const zip = buildZip([
      { name: 'a', data: 'file' },
      { name: 'a/b', data: 'x' },
    ]);
    expect((await rejection(zip)).message).toBe("code zip entry 'a/b' lies beneath the file 'a'");
  });

  it('rejects two entries for the same path', async () => {
    const zip = buildZip([
      { name: 'a.js', data: '1' },
      { name: 'a.js', data: '2' },
    ]);
    expect((await rejection(zip)).message).toBe("code zip has more than one entry for 'a.js'");
  });

  it('accepts symlinks that stay inside the tree', async () => {
    const store = createCodeStore({ dir: tempDir() });
    const zip = buildZip([
      { name: 'lib/real.js', data: 'x' },
      { name: 'lib/alias.js', symlink: 'real.js' },
      { name: 'index.js', symlink: './lib/../lib/real.js' },
      { name: 'lib/root', symlink: '..' },
    ]);
    await expect(store.put(zip)).resolves.toMatchObject({ size: zip.length });
  });

  it('rejects more entries than the limit', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
    const err = await rejection(buildZip(entries), { maxEntries: 10 });
    expect(err.message).toBe('code zip has 11 entries, over the limit of 10');
  });

  it('rejects a zip larger than the zip limit', async () => {
    const zip = buildZip([{ name: 'big', data: Buffer.alloc(2000, 1), store: true }]);
    const err = await rejection(zip, { maxZipBytes: 1000 });
    expect(err.message).toBe(`code zip is ${zip.length} bytes, over the 1000 bytes limit`);
  });

  it('rejects a zip that unpacks past the extracted limit (a zip bomb)', async () => {
    const zip = buildZip([{ name: 'zeros', data: Buffer.alloc(3 * 1024 * 1024) }]);
    expect(zip.length).toBeLessThan(10_000);
    const err = await rejection(zip, { maxExtractedBytes: 2 * 1024 * 1024 });
    expect(err.message).toBe('code zip unpacks to more than the 2 MiB limit');
  });

  it('rejects bytes that are not a zip', async () => {
    const err = await rejection(Buffer.from('this is not a zip file, just text'));
    expect(err.message).toMatch(/^code is not a readable zip: /);
  });

  it('rejects an empty buffer', async () => {
    expect((await rejection(Buffer.alloc(0))).message).toBe('code zip is empty (0 bytes)');
  });

  it('leaves nothing on disk for a rejected zip', async () => {
    const dir = tempDir();
    const store = createCodeStore({ dir });
    await expect(store.put(buildZip([{ name: '../evil', data: 'x' }]))).rejects.toThrow();
    expect(readdirSync(join(dir, 'zips'))).toEqual([]);
    expect(existsSync(join(dir, '..', 'evil'))).toBe(false);
  });
});
