// custom-container functions (seed 000 §5) through the official SDK: images built offline
// (test/helpers/container-images.ts), pulled from Debian's docker-registry on loopback.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContainerTestImages, startHoldingProxy, type ContainerTestImages } from './helpers/container-images.ts';
import { missingImageTools, pushImage, startRegistry, type TestRegistry } from './helpers/oci-images.ts';
import { invoke } from './helpers/functions.ts';
import { playground, startTestService, until, type TestService } from './helpers/service.ts';

const missing = missingImageTools({ go: true, registry: true });

describe.skipIf(missing.length > 0)(`custom containers${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let images: ContainerTestImages;
  let registry: TestRegistry;
  let svc: TestService;
  let api: ReturnType<typeof playground>;
  const ref = (tag: string, host = registry.host) => `${host}/fc/${tag}:v1`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-cc-'));
    images = await buildContainerTestImages(dir);
    registry = await startRegistry();
    for (const tag of Object.values(images.tags)) await pushImage(images.layout, tag, ref(tag));
    svc = await startTestService({ startDeadlineSec: 8 });
    api = playground(svc);
    await svc.client.createService('cc');
  }, 240_000);

  afterAll(async () => {
    await svc?.close();
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const create = (functionName: string, customContainerConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    svc.client.createFunction('cc', { functionName, runtime: 'custom-container', handler: 'not-used', customContainerConfig, ...extra });
  const status = async (fn: string) => (await svc.client.getFunction('cc', fn)).data.accelerationInfo as { status: string; reason?: string };
  const ready = (fn: string) => until(async () => (await status(fn)).status === 'Ready', `${fn} Ready`, 60_000);
  const op = async (fn: string, body: Record<string, unknown>) => {
    const r = await invoke(svc, 'cc', fn, JSON.stringify(body));
    if (!r.ok) throw r.error;
    return JSON.parse(Buffer.from(r.data).toString()) as Record<string, any>;
  };
  const record = async (requestId: string) => (await api(`/invocations/${requestId}`)).body;
  const reclaim = (fn: string) => api(`/functions/cc/${fn}/reclaim`, { method: 'POST' });

  it('pulls the image, prepares it (Preparing → Ready) and serves events from its ENTRYPOINT, WorkingDir and Env', async () => {
    const created = await create('probe', { image: ref(images.tags.probe) }, { environmentVariables: { FN_VAR: 'from-function' } });
    expect(created.data.customContainerConfig).toMatchObject({ image: ref(images.tags.probe), command: '', args: '', accelerationType: 'Default', webServerMode: true });
    expect(created.data.accelerationInfo.status).toBe('Preparing');
    await ready('probe');
    const echo = await invoke(svc, 'cc', 'probe', 'hello container');
    expect(echo.ok && Buffer.from(echo.data).toString()).toBe('hello container');
    expect(await op('probe', { op: 'read', Path: 'data.txt' })).toMatchObject({ data: 'from the image v1', err: '' });
    expect(await op('probe', { op: 'id' })).toMatchObject({ uid: 0, gid: 0, cwd: '/app' });
    const env: string[] = (await op('probe', { op: 'env' })).env;
    expect(env).toEqual(expect.arrayContaining(['IMAGE_VAR=from-image', 'FN_VAR=from-function', 'PATH=/bin:/app', 'FC_FUNCTION_NAME=probe', 'FC_SERVER_PORT=9000']));
    // Nothing of the host: its files are not there, the image's are.
    expect((await op('probe', { op: 'ls', Path: '/' })).names).not.toContain('work');
    expect((await op('probe', { op: 'read', Path: '/etc/passwd' })).data).toContain('app:x:1000');
    // As Docker does: localhost resolves, the host name is the instance's.
    expect((await op('probe', { op: 'read', Path: '/etc/hosts' })).data).toMatch(/^127\.0\.0\.1\s+localhost$/m);
    expect((await op('probe', { op: 'read', Path: '/etc/hostname' })).data).toBe('fc-instance\n');
  }, 90_000);

  it('round-trips customContainerConfig through getFunction and updateFunction, FC style', async () => {
    await create('config', { image: ref(images.tags.probe), command: '["/app/server"]', args: '["--flag"]', accelerationType: 'None', instanceID: 'cri-test' }, { caPort: 9000 });
    const got = (await svc.client.getFunction('cc', 'config')).data;
    expect(got.runtime).toBe('custom-container');
    expect(got.customContainerConfig).toMatchObject({ image: ref(images.tags.probe), command: '["/app/server"]', args: '["--flag"]', accelerationType: 'None', instanceID: 'cri-test', webServerMode: true });
    expect(got.caPort).toBe(9000);
    const updated = (await svc.client.updateFunction('cc', 'config', { customContainerConfig: { args: '[]' }, memorySize: 256 })).data;
    expect(updated.customContainerConfig).toMatchObject({ image: ref(images.tags.probe), command: '["/app/server"]', args: '[]' });
    expect(updated.memorySize).toBe(256);
  });

  it('refuses bad container settings with InvalidArgument, and changes nothing', async () => {
    const bad = async (functionName: string, body: Record<string, unknown>) => {
      const err = await svc.client.createFunction('cc', { functionName, runtime: 'custom-container', handler: 'x', ...body }).catch((e: any) => e);
      expect(err.code, JSON.stringify(body)).toBe('InvalidArgument');
      await expect(svc.client.getFunction('cc', functionName)).rejects.toMatchObject({ code: 'FunctionNotFound' });
      return err.message as string;
    };
    expect(await bad('no-image', {})).toMatch(/customContainerConfig\.image is required/);
    expect(await bad('bad-command', { customContainerConfig: { image: ref('probe'), command: '/app/server --x' } })).toMatch(/customContainerConfig\.command: must be a JSON array of strings/);
    expect(await bad('bad-args', { customContainerConfig: { image: ref('probe'), args: '[1,2]' } })).toMatch(/customContainerConfig\.args/);
    expect(await bad('bad-ref', { customContainerConfig: { image: 'docker.io/Team/app:v1' } })).toMatch(/image|reference|repository/i);
    expect(await bad('bad-accel', { customContainerConfig: { image: ref('probe'), accelerationType: 'Fast' } })).toMatch(/accelerationType/);
    expect(await bad('with-code', { customContainerConfig: { image: ref('probe') }, code: { zipFile: 'UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' } })).toMatch(/takes no code/);
    // Leaving custom-container needs code for the new runtime.
    await create('leaving', { image: ref(images.tags.probe) });
    const err = await svc.client.updateFunction('cc', 'leaving', { runtime: 'nodejs20' }).catch((e: any) => e);
    expect(err.code).toBe('InvalidArgument');
    expect((await svc.client.getFunction('cc', 'leaving')).data.runtime).toBe('custom-container');
  });

  it('gives each instance a private writable layer over the read-only image, gone with the instance', async () => {
    await create('layer', { image: ref(images.tags.probe) });
    await ready('layer');
    expect(await op('layer', { op: 'write', Path: '/app/note.txt', Data: 'mine' })).toMatchObject({ err: '' });
    expect(await op('layer', { op: 'read', Path: '/app/note.txt' })).toMatchObject({ data: 'mine' });
    expect(await op('layer', { op: 'rm', Path: '/app/data.txt' })).toMatchObject({ err: '' });
    await reclaim('layer');
    // A new instance starts from the image again: the shared tree was never written.
    expect(await op('layer', { op: 'read', Path: '/app/note.txt' })).toMatchObject({ err: expect.stringMatching(/no such file/) });
    expect(await op('layer', { op: 'read', Path: '/app/data.txt' })).toMatchObject({ data: 'from the image v1' });
  }, 60_000);

  it('caps the writable layer at 512 MB (ENOSPC past it), /tmp likewise', async () => {
    await create('cap', { image: ref(images.tags.probe) }, { memorySize: 256, timeout: 60 });
    await ready('cap');
    expect(await op('cap', { op: 'fill', Path: '/app/big', Size: 600 })).toMatchObject({ err: expect.stringMatching(/no space left on device/) });
    expect(await op('cap', { op: 'rm', Path: '/app/big' })).toMatchObject({ err: '' });
    expect(await op('cap', { op: 'fill', Path: '/tmp/big', Size: 600 })).toMatchObject({ err: expect.stringMatching(/no space left on device/) });
  }, 90_000);

  it("runs as the image's USER, from the image's own passwd", async () => {
    await create('non-root', { image: ref(images.tags.nonRoot) });
    await ready('non-root');
    expect(await op('non-root', { op: 'id' })).toMatchObject({ uid: 1000, gid: 1000, cwd: '/app' });
    expect((await op('non-root', { op: 'env' })).env).toContain('HOME=/home/app');
    expect(await op('non-root', { op: 'write', Path: '/home/app/x', Data: 'ok' })).toMatchObject({ err: '' });
  }, 60_000);

  it("applies an upper layer's whiteouts: deleted files are gone", async () => {
    await create('whiteout', { image: ref(images.tags.whiteout) });
    await ready('whiteout');
    expect((await op('whiteout', { op: 'ls', Path: '/data' })).names).toEqual(['keep.txt']);
  }, 60_000);

  it('command and args replace ENTRYPOINT and CMD; an image with neither needs a command', async () => {
    await create('no-command', { image: ref(images.tags.noCommand) });
    await ready('no-command');
    const r = await invoke(svc, 'cc', 'no-command', '{}');
    expect(!r.ok && r.error.code).toBe('CAExited');
    expect(!r.ok && r.error.message).toMatch(/no ENTRYPOINT or CMD; set customContainerConfig\.command/);
    await svc.client.updateFunction('cc', 'no-command', { customContainerConfig: { command: '["/app/server"]' } });
    await ready('no-command');
    expect(await op('no-command', { op: 'read', Path: '/app/data.txt' })).toMatchObject({ data: 'no command' });
  }, 60_000);

  it("fails an arm64 image's preparation with the seed's --platform advice, and its invocations say so", async () => {
    await create('arm64', { image: ref(images.tags.arm64) });
    await until(async () => (await status('arm64')).status === 'Failed', 'arm64 Failed', 60_000);
    const s = await status('arm64');
    expect(s.reason).toMatch(/linux\/arm64.*only linux\/amd64.*--platform linux\/amd64/s);
    const r = await invoke(svc, 'cc', 'arm64', '{}');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/--platform linux\/amd64/);
  }, 60_000);

  it('fails a reference no registry serves, and says how to import the image instead', async () => {
    await create('missing', { image: `${registry.host}/fc/nothing-here:v1` });
    await until(async () => (await status('missing')).status === 'Failed', 'missing Failed', 60_000);
    expect((await status('missing')).reason).toMatch(/fnplay image import/);
  }, 60_000);

  it("answers FunctionNotStarted with FC's message and advice for a server on 127.0.0.1 only", async () => {
    await create('loopback', { image: ref(images.tags.probe) }, { environmentVariables: { LISTEN_ADDR: '127.0.0.1:9000' } });
    await ready('loopback');
    const r = await invoke(svc, 'cc', 'loopback', '{}');
    expect(!r.ok && r.error.code).toBe('FunctionNotStarted');
    expect(!r.ok && r.error.message).toMatch(/The CA's http server cannot be started.*0\.0\.0\.0:9000/s);
    expect(!r.ok && r.error.message).toMatch(/listening on 127\.0\.0\.1:9000/);
  }, 60_000);

  it('answers FunctionNotStarted when the server never listens within the start deadline', async () => {
    await create('never', { image: ref(images.tags.probe) }, { environmentVariables: { LISTEN_ADDR: 'none' } });
    await ready('never');
    const r = await invoke(svc, 'cc', 'never', '{}');
    expect(!r.ok && r.error.code).toBe('FunctionNotStarted');
    expect(!r.ok && r.error.message).toMatch(/not listening, on purpose/);
  }, 60_000);

  it('honours caPort', async () => {
    await create('port8080', { image: ref(images.tags.probe) }, { caPort: 8080, environmentVariables: { LISTEN_ADDR: '0.0.0.0:8080' } });
    await ready('port8080');
    expect((await op('port8080', { op: 'env' })).env).toContain('FC_SERVER_PORT=8080');
  }, 60_000);

  it('calls the lifecycle hooks over HTTP: POST /initialize once, GET /pre-freeze after calls, GET /pre-stop at the end', async () => {
    await create('hooks', { image: ref(images.tags.probe) }, { initializer: 'x', instanceLifecycleConfig: { preFreeze: { handler: 'x', timeout: 3 }, preStop: { handler: 'x', timeout: 3 } } });
    await ready('hooks');
    await op('hooks', { op: 'print', Data: 'first' });
    await op('hooks', { op: 'print', Data: 'second' });
    await reclaim('hooks');
    const lines = await until(async () => {
      const texts: string[] = (await api('/logs?service=cc&function=hooks')).body.lines.map((l: { text: string }) => l.text);
      return texts.some((t) => t.startsWith('pre-stop ')) && texts;
    }, 'pre-stop in the logs');
    expect(lines.filter((t) => t.startsWith('initialize ')).length).toBe(1);
    expect(lines.filter((t) => t.startsWith('pre-freeze ')).length).toBeGreaterThanOrEqual(2);
    expect(lines).toEqual(expect.arrayContaining(['FC Initialize Start RequestId: ' + lines.find((t) => t.startsWith('initialize '))!.split(' ')[1], 'first', 'second']));
  }, 60_000);

  it('serves an HTTP function: method, path and query reach the server with x-fc-control-path /http-invoke', async () => {
    await create('web', { image: ref(images.tags.probe) });
    await svc.client.createTrigger('cc', 'web', { triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST'] } });
    await ready('web');
    const res = await fetch(`${svc.url}/2016-08-15/proxy/cc/web/hello/world?a=1`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ method: 'GET', path: '/hello/world', query: 'a=1', controlPath: '/http-invoke' });
  }, 60_000);

  it("reports a server that exits mid-request as FC's 'Process exited unexpectedly'", async () => {
    await create('exits', { image: ref(images.tags.probe) });
    await ready('exits');
    const r = await invoke(svc, 'cc', 'exits', JSON.stringify({ op: 'exit' }));
    if (!r.ok) throw r.error;
    expect(r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.data.errorMessage).toMatch(/Process exited unexpectedly before completing request/);
    expect(await op('exits', { op: 'id' })).toMatchObject({ uid: 0 });
  }, 60_000);

  it('cold-starts from the accelerated tree once Ready; with accelerationType None each cold start unpacks for itself', async () => {
    await create('accel', { image: ref(images.tags.probe) });
    await create('plain', { image: ref(images.tags.probe), accelerationType: 'None' });
    await ready('accel');
    await ready('plain');
    const first = await invoke(svc, 'cc', 'plain', '{"op":"id"}');
    const accel = await invoke(svc, 'cc', 'accel', '{"op":"id"}');
    if (!first.ok || !accel.ok) throw new Error('invocations failed');
    const plainRec = await record(first.headers['x-fc-request-id']);
    const accelRec = await record(accel.headers['x-fc-request-id']);
    expect(plainRec.coldStart && accelRec.coldStart).toBe(true);
    // The unaccelerated instance has its own copy of the image; the accelerated one only mounts the shared tree.
    expect(existsSync(join(svc.dataDir, 'instances', plainRec.instanceId, 'rootfs', 'app', 'server'))).toBe(true);
    expect(existsSync(join(svc.dataDir, 'instances', accelRec.instanceId, 'rootfs'))).toBe(false);
    expect(plainRec.initReport.pullCodeMs).toBeGreaterThan(accelRec.initReport.pullCodeMs);
    await reclaim('plain');
    // Its copy goes with it.
    await until(() => !existsSync(join(svc.dataDir, 'instances', plainRec.instanceId)), 'the private copy removed');
  }, 60_000);

  it('keeps the revision before serving while an updated image prepares, then switches once Ready', async () => {
    const proxy = await startHoldingProxy(registry.host);
    try {
      await create('rolling', { image: ref(images.tags.probe) });
      await ready('rolling');
      expect(await op('rolling', { op: 'read', Path: 'data.txt' })).toMatchObject({ data: 'from the image v1' });
      proxy.hold();
      await svc.client.updateFunction('cc', 'rolling', { customContainerConfig: { image: ref(images.tags.probeV2, proxy.host) } });
      expect((await status('rolling')).status).toBe('Preparing');
      // Still v1 while v2's layers are held back.
      expect(await op('rolling', { op: 'read', Path: 'data.txt' })).toMatchObject({ data: 'from the image v1' });
      proxy.release();
      await ready('rolling');
      expect(await op('rolling', { op: 'read', Path: 'data.txt' })).toMatchObject({ data: 'from the image v2' });
    } finally {
      proxy.release();
      await proxy.close();
    }
  }, 90_000);

  it('runs a non-web-server container once per event, the payload in FC_CUSTOM_CONTAINER_EVENT, exit 0 for success', async () => {
    const command = JSON.stringify(['/bin/sh', '-c', 'echo "got: $FC_CUSTOM_CONTAINER_EVENT"; exit ${EXIT_CODE:-0}']);
    await create('job', { image: ref(images.tags.probe), command, webServerMode: false });
    await ready('job');
    const r = await invoke(svc, 'cc', 'job', 'event one', { 'x-fc-log-type': 'Tail' });
    if (!r.ok) throw r.error;
    expect(r.headers['x-fc-error-type']).toBeUndefined();
    expect(Buffer.from(r.headers['x-fc-log-result'], 'base64').toString()).toMatch(/FC Invoke Start.*\ngot: event one\nFC Invoke End/s);
    const rec = await record(r.headers['x-fc-request-id']);
    expect(rec.coldStart).toBe(true);
    // Each event is a run of its own.
    const again = await invoke(svc, 'cc', 'job', 'event two');
    if (!again.ok) throw again.error;
    expect((await record(again.headers['x-fc-request-id'])).coldStart).toBe(true);
    await svc.client.updateFunction('cc', 'job', { environmentVariables: { EXIT_CODE: '3' } });
    const failed = await invoke(svc, 'cc', 'job', 'x');
    if (!failed.ok) throw failed.error;
    expect(failed.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(failed.data.errorMessage).toMatch(/exited with exit code 3; in non-web-server mode it must exit with code 0/);
    const refused = await svc.client.updateFunction('cc', 'job', { instanceConcurrency: 5 }).catch((e: any) => e);
    expect(refused.code).toBe('InvalidArgument');
  }, 60_000);

  it('shows container output in the logs as a custom runtime does, with FC Invoke Start/End lines', async () => {
    await create('logs', { image: ref(images.tags.probe) });
    await ready('logs');
    const r = await invoke(svc, 'cc', 'logs', JSON.stringify({ op: 'print', Data: 'hello from the container' }), { 'x-fc-log-type': 'Tail' });
    if (!r.ok) throw r.error;
    const tail = Buffer.from(r.headers['x-fc-log-result'], 'base64').toString();
    expect(tail).toMatch(/FC Invoke Start RequestId: .*\nhello from the container\nFC Invoke End RequestId:/s);
  }, 60_000);

  it('leaves no instance dir, mount or process behind after a reclaim', async () => {
    await reclaim('probe');
    await until(() => readdirSync(join(svc.dataDir, 'instances')).every((d) => !svc.scheduler.instancesOf('cc', 'probe').some((i) => i.id === d)), 'probe instances gone');
    expect(svc.scheduler.instancesOf('cc', 'probe')).toEqual([]);
  });
});

describe.skipIf(missing.length > 0)('custom-container images over time', () => {
  let dir: string;
  let images: ContainerTestImages;
  let registry: TestRegistry;
  const ref = (tag: string) => `${registry.host}/fc/${tag}:v1`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-cc-gc-'));
    images = await buildContainerTestImages(dir);
    registry = await startRegistry();
    await pushImage(images.layout, images.tags.probe, ref(images.tags.probe));
    await pushImage(images.layout, images.tags.probeV2, ref(images.tags.probeV2));
  }, 240_000);
  afterAll(async () => {
    await registry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const create = (svc: TestService, functionName: string, image: string) =>
    svc.client.createFunction('cc', { functionName, runtime: 'custom-container', handler: 'x', customContainerConfig: { image } });
  const readyIn = (svc: TestService, fn: string) =>
    until(async () => {
      const a = (await svc.client.getFunction('cc', fn)).data.accelerationInfo;
      if (a.status === 'Failed') throw new Error(`${fn} failed to prepare: ${a.reason}`);
      return a.status === 'Ready';
    }, `${fn} Ready`, 60_000);

  it('frees an image after its grace once the last function using it is deleted, not before', async () => {
    const svc = await startTestService({ imageGraceSec: 0.3 });
    try {
      await svc.client.createService('cc');
      await create(svc, 'a', ref(images.tags.probe));
      await create(svc, 'b', ref(images.tags.probe));
      await readyIn(svc, 'a');
      await readyIn(svc, 'b');
      const digest = svc.images.resolve(ref(images.tags.probe))!;
      expect(svc.images.rootfsDir(digest)).not.toBeNull();
      await svc.client.deleteFunction('cc', 'a');
      // b still uses it: it stays past the grace
      await new Promise((r) => setTimeout(r, 1000));
      expect(svc.images.rootfsDir(digest)).not.toBeNull();
      await svc.client.deleteFunction('cc', 'b');
      // names, tree and blobs all go (the blobs last)
      await until(async () => (await svc.images.diskUsage()).totalBytes === 0, 'the image removed', 20_000);
      expect(svc.images.resolve(ref(images.tags.probe))).toBeNull();
      expect(svc.images.rootfsDir(digest)).toBeNull();
    } finally {
      await svc.close();
    }
  }, 90_000);

  it('pushes the preparation live: pulling, then unpacking layer by layer, then Ready', async () => {
    const svc = await startTestService();
    try {
      await svc.client.createService('cc');
      const events: { status: string; progress?: { phase: string; layersDone?: number; layers?: number } }[] = [];
      const ac = new AbortController();
      const res = await fetch(`${svc.url}/api/events`, { headers: { 'x-fnplay-token': svc.apiToken }, signal: ac.signal });
      const reader = res.body!.getReader();
      const reading = (async () => {
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
          if (done) return;
          buf += Buffer.from(value!).toString();
          for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
            const rec = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (rec.startsWith('event: acceleration')) events.push(JSON.parse(rec.slice(rec.indexOf('data: ') + 6)));
          }
        }
      })();
      await create(svc, 'live', ref(images.tags.probeV2));
      await until(() => events.some((e) => e.status === 'Ready'), 'Ready on the live stream', 60_000);
      ac.abort();
      await reading;
      expect(events[0].progress?.phase).toBe('pulling');
      const unpacking = events.filter((e) => e.progress?.phase === 'unpacking');
      expect(unpacking.length).toBeGreaterThan(0);
      expect(unpacking.at(-1)!.progress).toMatchObject({ layersDone: 2, layers: 2 });
      expect(events.at(-1)!.status).toBe('Ready');
    } finally {
      await svc.close();
    }
  }, 90_000);

  it('resumes a preparation a restart interrupted, and the function then runs', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-cc-restart-'));
    const proxy = await startHoldingProxy(registry.host);
    try {
      const first = await startTestService({ dataDir });
      await first.client.createService('cc');
      proxy.hold();
      await create(first, 'resumed', `${proxy.host}/fc/${images.tags.probe}:v1`);
      await first.close();
      proxy.release();
      const second = await startTestService({ dataDir });
      try {
        await readyIn(second, 'resumed');
        const r = await invoke(second, 'cc', 'resumed', 'after a restart');
        expect(r.ok && Buffer.from(r.data).toString()).toBe('after a restart');
      } finally {
        await second.close();
      }
    } finally {
      proxy.release();
      await proxy.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it("pulls from a registry that needs credentials with the service's, and never says the password", async () => {
    const secured = await startRegistry({ auth: true });
    try {
      const image = `${secured.host}/fc/probe:v1`;
      await pushImage(images.layout, images.tags.probe, image, secured.credentials!);
      const without = await startTestService();
      try {
        await without.client.createService('cc');
        await create(without, 'locked', image);
        await until(async () => (await without.client.getFunction('cc', 'locked')).data.accelerationInfo.status === 'Failed', 'Failed', 60_000);
        expect((await without.client.getFunction('cc', 'locked')).data.accelerationInfo.reason).toMatch(/credentials|unauthorized|authentication/i);
      } finally {
        await without.close();
      }
      const svc = await startTestService({ registryCredentials: { [secured.host]: secured.credentials! } });
      try {
        await svc.client.createService('cc');
        await create(svc, 'unlocked', image);
        await readyIn(svc, 'unlocked');
        const r = await invoke(svc, 'cc', 'unlocked', 'let in');
        expect(r.ok && Buffer.from(r.data).toString()).toBe('let in');
        const logs = JSON.stringify((await playground(svc)('/logs?service=cc')).body);
        expect(logs).not.toContain(secured.credentials!.password);
      } finally {
        await svc.close();
      }
    } finally {
      await secured.stop();
    }
  }, 120_000);

  it('refuses to run a container without the sandbox, saying why', async () => {
    const svc = await startTestService({ sandbox: 'off' });
    try {
      await svc.client.createService('cc');
      await create(svc, 'nosandbox', ref(images.tags.probe));
      await readyIn(svc, 'nosandbox');
      const r = await invoke(svc, 'cc', 'nosandbox', 'x');
      expect(!r.ok && r.error.code).toBe('FunctionNotStarted');
      expect(!r.ok && r.error.message).toMatch(/run only in fnplay's sandbox/);
    } finally {
      await svc.close();
    }
  }, 60_000);
});
