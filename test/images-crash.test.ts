// A service killed with SIGKILL in the middle of an unpack: the next store on that dir must never
// use the half tree, must stop the umoci left running, and must unpack the image whole.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageStore } from '../src/server/images/index.ts';
import { buildImage, busyboxLayer, createLayout, exportImage, missingImageTools, type FileSpec } from './helpers/oci-images.ts';

const missing = missingImageTools();
const STORE_MODULE = join(import.meta.dirname, '../src/server/images/index.ts');
const FILES = 6000; // enough that a rootless unpack of the layer takes seconds

describe.skipIf(missing.length > 0)(`unpack killed midway${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let archive: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-crash-'));
    const layout = await createLayout(join(dir, 'layout'));
    const files: Record<string, FileSpec> = {};
    for (let i = 0; i < FILES; i++) files[`many/d${i % 60}/f${i}.txt`] = `file ${i} `.repeat(50);
    await buildImage(layout, 'many', { layers: [busyboxLayer(), { files }], config: { cmd: ['/bin/ls', '/many'] } });
    archive = await exportImage(layout, 'many', 'oci-archive', join(dir, 'many.tar'), 'many-files:1');
  }, 60_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leaves no usable half root filesystem, and the next store unpacks it whole', async () => {
    const storeDir = join(dir, 'images');
    const [info] = await createImageStore({ dir: storeDir }).import(archive);

    // 1. a service process unpacks, 2. it is killed while umoci writes the big layer
    const script = `const { createImageStore } = await import(${JSON.stringify(STORE_MODULE)});
      const store = createImageStore({ dir: process.argv[1] });
      await store.unpack(process.argv[2], (p) => process.stdout.write(JSON.stringify(p) + '\\n'));
      process.stdout.write('finished\\n');`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, storeDir, info.digest], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('finished')) reject(new Error('the unpack finished before it could be killed'));
        const mid = out.split('\n').some((l) => l.startsWith('{') && JSON.parse(l).layersDone >= 1);
        if (mid) resolve();
      });
      child.once('exit', () => reject(new Error(`the unpacking process exited by itself: ${out}`)));
    });
    child.kill('SIGKILL');
    await exited;

    // what the kill left: work in tmp, a umoci still recorded, and no finished tree
    const tmp = join(storeDir, 'tmp');
    expect(readdirSync(tmp).some((n) => n.startsWith('unpack-'))).toBe(true);
    expect(readdirSync(join(storeDir, 'rootfs'))).toEqual([]);
    const orphans = readdirSync(join(tmp, 'jobs')).map(Number);
    expect(orphans).toHaveLength(1);

    // 3. the next store: nothing of the half tree is used, the orphan is stopped, the work is gone
    const store = createImageStore({ dir: storeDir });
    expect(store.rootfsDir(info.digest)).toBeNull();
    expect(readdirSync(tmp)).toEqual([]);
    await until(() => !running(orphans[0]));

    // 4. and it unpacks the image whole
    const root = await store.unpack(info.digest);
    expect(readdirSync(join(root, 'many'))).toHaveLength(60);
    const count = readdirSync(join(root, 'many')).reduce((n, d) => n + readdirSync(join(root, 'many', d)).length, 0);
    expect(count).toBe(FILES);
    expect(existsSync(join(root, 'bin/busybox'))).toBe(true);
    await until(() => readdirSync(join(storeDir, 'trash')).length === 0); // the half tree is deleted too
  });
});

/** Alive and not a zombie (a killed orphan stays a zombie until init reaps it). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
