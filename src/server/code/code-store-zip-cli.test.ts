// Zips from a real tool carry what the hand-built ones do not: extra fields (timestamps, uid),
// Info-ZIP's symlink encoding, directory entries. Skipped where no `zip` is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCodeStore } from './index.ts';
import { useTempDir } from './test-dir.testkit.ts';

const tempDir = useTempDir();
const hasZip = spawnSync('zip', ['-v']).status === 0;

describe.skipIf(!hasZip)('code store with zips made by the zip CLI', () => {
  it('prepares and materializes them with exec bits, nested dirs and symlinks', async () => {
    const root = tempDir();
    const src = join(root, 'src');
    mkdirSync(join(src, 'lib/deep'), { recursive: true });
    writeFileSync(join(src, 'bootstrap'), '#!/bin/sh\necho ok\n');
    chmodSync(join(src, 'bootstrap'), 0o755);
    writeFileSync(join(src, 'lib/deep/big.txt'), 'z'.repeat(2 * 1024 * 1024)); // past the in-memory path
    symlinkSync('lib/deep/big.txt', join(src, 'big'));
    execFileSync('zip', ['-q', '-r', '-y', join(root, 'code.zip'), '.'], { cwd: src });

    const store = createCodeStore({ dir: join(root, 'store') });
    const { checksum } = await store.put(readFileSync(join(root, 'code.zip')));
    const result = await store.prepare(checksum, { runtime: 'custom.debian10', handler: 'index.handler' });
    expect(result.status).toBe('Ready');
    const dest = join(root, 'instance');
    await store.materialize(checksum, dest);
    expect(statSync(join(dest, 'bootstrap')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(dest, 'big'))).toBe('lib/deep/big.txt');
    expect(readFileSync(join(dest, 'big'), 'utf8')).toHaveLength(2 * 1024 * 1024);
  });
});
