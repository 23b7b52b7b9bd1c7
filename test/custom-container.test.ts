// custom-container functions (seed 000 §5) through the official SDK: test images built offline
// (test/helpers/oci-images.ts), served by Debian's docker-registry on loopback or imported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestImages, missingImageTools, pushImage, startRegistry, type TestImages, type TestRegistry } from './helpers/oci-images.ts';
import { invoke } from './helpers/functions.ts';
import { startTestService, until, type TestService } from './helpers/service.ts';

const missing = missingImageTools({ go: true, registry: true });

describe.skipIf(missing.length > 0)(`custom containers${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let images: TestImages;
  let registry: TestRegistry;
  let svc: TestService;
  const ref = (name: string) => `${registry.host}/fc/${name}:v1`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-cc-'));
    images = await buildTestImages(dir);
    registry = await startRegistry();
    await pushImage(images.layout, images.tags.goServer, ref('go-server'));
    svc = await startTestService({ startDeadlineSec: 5 });
    await svc.client.createService('cc');
  }, 180_000);

  afterAll(async () => {
    await svc?.close();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ready = (fn: string) =>
    until(async () => {
      const f = (await svc.client.getFunction('cc', fn)).data;
      if (f.accelerationInfo.status === 'Failed') throw new Error(`preparation failed: ${f.accelerationInfo.reason}`);
      return f.accelerationInfo.status === 'Ready' && f;
    }, `${fn} Ready`, 60_000);

  it('pulls the image from a registry, prepares it, and serves events from it', async () => {
    const created = await svc.client.createFunction('cc', {
      functionName: 'echo', runtime: 'custom-container', handler: 'not-used',
      customContainerConfig: { image: ref('go-server'), accelerationType: 'Default' },
    });
    expect(created.data.customContainerConfig).toMatchObject({ image: ref('go-server'), command: '', args: '', accelerationType: 'Default', webServerMode: true });
    expect(created.data.accelerationInfo.status).toBe('Preparing');
    await ready('echo');
    const r = await invoke(svc, 'cc', 'echo', 'hello container');
    expect(r.ok && r.data).toBe('hello container');
  }, 90_000);
});
