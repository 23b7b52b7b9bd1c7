// Pulls from a real registry (Debian's docker-registry) on loopback, with and without basic
// auth: plain HTTP as Docker speaks to 127.0.0.0/8, credentials that never show, and errors that
// say which of registry, image or credentials was wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FcError } from '../src/server/errors.ts';
import { createImageStore, type ImageStore } from '../src/server/images/index.ts';
import { buildImage, buildImageIndex, busyboxLayer, createLayout, missingImageTools, pushImage, startRegistry, type TestRegistry } from './helpers/oci-images.ts';

const missing = missingImageTools({ registry: true });

describe.skipIf(missing.length > 0)(`pulling images${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let layout: string;
  let open: TestRegistry;
  let guarded: TestRegistry;
  let count = 0;
  const newStore = (): ImageStore => createImageStore({ dir: join(dir, `store-${count++}`) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-pull-'));
    layout = await createLayout(join(dir, 'layout'));
    await buildImage(layout, 'app', { layers: [busyboxLayer(), { files: { 'app/hello.txt': 'from the registry' } }], config: { cmd: ['/bin/cat', '/app/hello.txt'], user: '1000' } });
    await buildImage(layout, 'app-arm64', { layers: [busyboxLayer()], config: { cmd: ['/bin/true'], architecture: 'arm64' } });
    await buildImageIndex(layout, 'multi', ['app-arm64', 'app']); // arm64 listed first
    await buildImageIndex(layout, 'arm-only', ['app-arm64']);
    [open, guarded] = await Promise.all([startRegistry(), startRegistry({ auth: true })]);
    await pushImage(layout, 'app', `${open.host}/team/app:v1`);
    await pushImage(layout, 'multi', `${open.host}/team/multi:v1`);
    await pushImage(layout, 'arm-only', `${open.host}/team/arm-only:v1`);
    await pushImage(layout, 'app', `${guarded.host}/private/app:v1`, guarded.credentials!);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([open?.stop(), guarded?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('pulls from a loopback registry over plain HTTP and names the image by its reference', async () => {
    const store = newStore();
    const info = await store.pull(`${open.host}/team/app:v1`);
    expect(info.references).toEqual([`${open.host}/team/app:v1`]);
    expect(info).toMatchObject({ cmd: ['/bin/cat', '/app/hello.txt'], user: '1000', architecture: 'amd64', problem: null });
    expect(info.layers).toHaveLength(2);
    const root = await store.unpack(info.digest);
    expect(store.rootfsDir(info.digest)).toBe(root);
  });

  it('takes linux/amd64 from a multi-platform image whatever this machine is, and says when there is none', async () => {
    const store = newStore();
    const single = await store.pull(`${open.host}/team/app:v1`);
    const multi = await store.pull(`${open.host}/team/multi:v1`);
    expect(multi).toMatchObject({ architecture: 'amd64', problem: null });
    expect(multi.digest).toBe(single.digest); // the amd64 image itself, not the index
    await expect(store.pull(`${open.host}/team/arm-only:v1`)).rejects.toThrow(/has no linux\/amd64 variant, and Function Compute runs only linux\/amd64 images; build it with `docker build --platform linux\/amd64`/);
  });

  it('pulls with credentials where the registry requires them', async () => {
    const store = newStore();
    const info = await store.pull(`${guarded.host}/private/app:v1`, { credentials: guarded.credentials! });
    expect(info.references).toEqual([`${guarded.host}/private/app:v1`]);
  });

  it('a pull again of the same image shares every blob (nothing is stored twice)', async () => {
    const store = newStore();
    const first = await store.pull(`${open.host}/team/app:v1`);
    const before = await store.diskUsage();
    const second = await store.pull(`${guarded.host}/private/app:v1`, { credentials: guarded.credentials! });
    expect(second.digest).toBe(first.digest);
    expect((await store.diskUsage()).blobBytes).toBe(before.blobBytes);
    expect((await store.inspect(first.digest)).references).toHaveLength(2);
  });

  it('says the registry wants credentials, or refused them, and never shows the password', async () => {
    const store = newStore();
    const without = await store.pull(`${guarded.host}/private/app:v1`).catch((e: unknown) => e);
    expect(without).toBeInstanceOf(FcError);
    expect((without as FcError).code).toBe('InvalidArgument');
    expect((without as FcError).message).toMatch(new RegExp(`pulling ${guarded.host}/private/app:v1 failed: registry ${guarded.host} requires credentials \\(none were given\\)`));
    const password = 'hunter2-not-the-password';
    const wrong = await store.pull(`${guarded.host}/private/app:v1`, { credentials: { username: 'fnplay', password } }).catch((e: unknown) => e);
    expect((wrong as FcError).message).toMatch(/refused the credentials given/);
    expect((wrong as FcError).message).not.toContain(password);
    expect((wrong as FcError).message).not.toContain(Buffer.from(`fnplay:${password}`).toString('base64'));
    expect(await store.list()).toEqual([]);
  });

  it('says the registry has no such image, for an unknown tag or repository', async () => {
    const store = newStore();
    await expect(store.pull(`${open.host}/team/app:v9`)).rejects.toThrow(new RegExp(`registry ${open.host} has no such image \\(unknown repository or tag\\)`));
    await expect(store.pull(`${open.host}/nobody/here`)).rejects.toThrow(/has no such image/);
  });

  it('says a registry that does not answer is unreachable', async () => {
    const store = newStore();
    const stopped = await startRegistry();
    await stopped.stop(); // a port nobody listens on any more
    await expect(store.pull(`${stopped.host}/team/app:v1`)).rejects.toThrow(new RegExp(`registry ${stopped.host} is unreachable from this machine \\(skopeo: .*connection refused`));
  });

  it('speaks HTTPS to a loopback registry only when asked to, and then says it is plain HTTP', async () => {
    const store = newStore();
    await expect(store.pull(`${open.host}/team/app:v1`, { tlsVerify: true })).rejects.toThrow(/speaks plain HTTP, not HTTPS/);
  });

  it('refuses a malformed reference before any network', async () => {
    const store = newStore();
    await expect(store.pull('Registry.Example.com/UPPER/app')).rejects.toThrow(/must be lowercase/);
  });
});
