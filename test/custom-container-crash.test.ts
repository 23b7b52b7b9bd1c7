// The service SIGKILLed while it unpacks a custom-container function's image: after a restart on
// the same data dir the preparation starts again, never uses the half tree, and the function runs
// the whole image.
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_SERVER_SOURCE } from './helpers/container-images.ts';
import { buildGoBinary, buildImage, busyboxLayer, createLayout, missingImageTools, pushImage, startRegistry, type FileSpec, type TestRegistry } from './helpers/oci-images.ts';
import { until } from './helpers/service.ts';
import { sdkFor, startServiceProcess } from './helpers/service-process.ts';

const FILES = 6000; // enough that a rootless unpack takes a while
const missing = missingImageTools({ go: true, registry: true });

/** Pids of umoci unpacks working for this data dir (their cwd is in its image store). */
function umociUnpacksIn(dataDir: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'latin1');
      if (cmd.includes('umoci') && cmd.includes('unpack') && readlinkSync(`/proc/${p}/cwd`).startsWith(dataDir)) pids.push(Number(p));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe.skipIf(missing.length > 0)(`custom-container preparation killed midway${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let registry: TestRegistry;
  let image: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-cc-crash-'));
    const layout = await createLayout(join(dir, 'layout'));
    const files: Record<string, FileSpec> = {};
    for (let i = 0; i < FILES; i++) files[`many/d${i % 60}/f${i}.txt`] = `file ${i} `.repeat(50);
    const server = await buildGoBinary(PROBE_SERVER_SOURCE);
    await buildImage(layout, 'many', { layers: [busyboxLayer(), { files }, { files: { 'app/server': { from: server, mode: 0o755 } } }], config: { entrypoint: ['/app/server'] } });
    registry = await startRegistry();
    image = `${registry.host}/fc/many:v1`;
    await pushImage(layout, 'many', image);
  }, 180_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('restarts the preparation after a SIGKILL mid-unpack and runs the whole image', async () => {
    const dataDir = join(dir, 'data');
    // 1. the service starts preparing, 2. it is killed while umoci unpacks
    const first = startServiceProcess(dataDir);
    const client = sdkFor(dataDir, await first.url);
    await client.createService('cc');
    await client.createFunction('cc', { functionName: 'many', runtime: 'custom-container', handler: 'x', customContainerConfig: { image } });
    await until(() => umociUnpacksIn(dataDir).length > 0, 'umoci unpacking', 60_000);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(readdirSync(join(dataDir, 'images', 'rootfs'))).toEqual([]);

    // 3. the next start resumes the preparation; the function runs the image whole
    const second = startServiceProcess(dataDir);
    try {
      const again = sdkFor(dataDir, await second.url);
      await until(async () => (await again.getFunction('cc', 'many')).data.accelerationInfo.status === 'Ready', 'Ready after the restart', 90_000);
      const op = async (body: object) => JSON.parse(Buffer.from((await again.invokeFunction('cc', 'many', JSON.stringify(body))).data).toString());
      expect((await op({ op: 'ls', Path: '/many' })).names).toHaveLength(60);
      expect((await op({ op: 'ls', Path: '/many/d59' })).names).toHaveLength(FILES / 60);
      // the umoci the kill left behind was stopped, not left to write into a tree in use
      await until(() => umociUnpacksIn(dataDir).length === 0, 'no umoci left', 30_000);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 240_000);
});
