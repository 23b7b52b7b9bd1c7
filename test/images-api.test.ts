// The playground's image API (/api/images…) against the real service: imports of each archive
// kind users have, pulls from Debian's docker-registry on loopback (with and without basic
// auth), deletes refused while a function names the image; every bad input an FC error that
// leaves the store as it was.
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageList, ImageSummary } from '../src/shared/images-api.ts';
import { signRequest } from '../src/server/http/sign-request.ts';
import { buildTestImages, exportImage, missingImageTools, pushImage, startRegistry, type TestImages, type TestRegistry } from './helpers/oci-images.ts';
import { playground, startTestService, TEST_KEYS, type TestService } from './helpers/service.ts';

const missing = missingImageTools({ registry: true });

const SUMMARY_KEYS = [
  'architecture', 'cmd', 'created', 'digest', 'entrypoint', 'env', 'exposedPorts', 'labels', 'layers', 'os', 'problem', 'references',
  'rootfsBytes', 'size', 'uncompressedSize', 'usedBy', 'user', 'variant', 'workingDir',
].sort();

describe.skipIf(missing.length > 0)(`image API${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let images: TestImages;
  let open: TestRegistry;
  let guarded: TestRegistry;
  let svc: TestService;
  let api: ReturnType<typeof playground>;
  const archives: Record<string, string> = {};

  /** What the store holds, as digest → references, to show a refusal changed nothing. */
  const snapshot = async () => {
    const { body } = await api('/images');
    return Object.fromEntries((body as ImageList).images.map((i) => [i.digest, i.references]));
  };
  const upload = (body: BodyInit, query = '') => api(`/images/import${query}`, { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
  const uploadsLeft = () => readdirSync(join(svc.dataDir, 'uploads'), { withFileTypes: true }).length;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-images-api-'));
    images = await buildTestImages(dir, { go: false });
    const { layout, tags } = images;
    archives.docker = await exportImage(layout, tags.busybox, 'docker-archive', join(dir, 'busybox.tar'), 'example.com/team/busybox:v1');
    archives.unnamed = await exportImage(layout, tags.nonRoot, 'docker-archive', join(dir, 'unnamed.tar'));
    archives.oci = await exportImage(layout, tags.whiteout, 'oci-archive', join(dir, 'whiteout-oci.tar'), 'registry.example.com/ns/whiteout:1');
    archives.gz = join(dir, 'busybox.tar.gz');
    await pipeline(createReadStream(archives.docker), createGzip(), createWriteStream(archives.gz));
    [open, guarded] = await Promise.all([startRegistry(), startRegistry({ auth: true })]);
    await pushImage(layout, tags.busybox, `${open.host}/team/app:v1`);
    await pushImage(layout, tags.nonRoot, `${guarded.host}/private/app:v1`, guarded.credentials!);
    svc = await startTestService();
    api = playground(svc);
  }, 120_000);

  afterAll(async () => {
    await svc?.close();
    await Promise.all([open?.stop(), guarded?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists an empty store with its disk use', async () => {
    const { status, body } = await api('/images');
    expect(status).toBe(200);
    expect(body).toEqual({ images: [], disk: { blobBytes: 0, rootfsBytes: 0, totalBytes: 0 } });
  });

  it('imports a docker save archive under the name it carries, and lists it with the shape the page reads', async () => {
    const { status, body } = await upload(readFileSync(archives.docker));
    expect(status).toBe(200);
    const [image] = (body as { images: ImageSummary[] }).images;
    expect(Object.keys(image).sort()).toEqual(SUMMARY_KEYS);
    expect(image).toMatchObject({ references: ['example.com/team/busybox:v1'], os: 'linux', architecture: 'amd64', cmd: ['echo hello from busybox'], problem: null, rootfsBytes: null, usedBy: [] });
    const list = (await api('/images')).body as ImageList;
    expect(list.images).toEqual([image]);
    expect(list.disk.blobBytes).toBeGreaterThan(image.size);
    expect(list.disk.totalBytes).toBe(list.disk.blobBytes + list.disk.rootfsBytes);
    expect(uploadsLeft()).toBe(0);
  });

  it('imports a gzipped docker save archive (the same image: one digest) and an OCI archive', async () => {
    const before = await snapshot();
    const gz = (await upload(readFileSync(archives.gz))).body as { images: ImageSummary[] };
    expect(gz.images.map((i) => i.digest)).toEqual(Object.keys(before));
    const oci = await upload(readFileSync(archives.oci));
    expect(oci.status).toBe(200);
    expect((oci.body as { images: ImageSummary[] }).images[0]).toMatchObject({ references: ['registry.example.com/ns/whiteout:1'], cmd: ['/bin/ls', '/data'] });
  });

  it('names the image by ?name=, normalized as Docker does, and takes a chunked upload of unknown length', async () => {
    const { status, body } = await new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      // no content-length: Node sends it chunked, so the size is only known as it arrives
      const req = request(`${svc.url}/api/images/import?name=${encodeURIComponent('tools/app')}`, { method: 'POST', headers: { 'x-fnplay-token': svc.apiToken, 'content-type': 'application/octet-stream' } }, async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        resolve({ status: res.statusCode!, body: JSON.parse(text) });
      });
      req.on('error', reject);
      createReadStream(archives.unnamed).pipe(req);
    });
    expect(status).toBe(200);
    expect((body as { images: ImageSummary[] }).images[0]).toMatchObject({ references: ['docker.io/tools/app:latest'], user: '1000:1000' });
  });

  it('refuses what is not an image, an unnamed image, bad names and empty bodies with FC errors, and changes nothing', async () => {
    const before = await snapshot();
    const cases: [string, () => ReturnType<typeof upload>, RegExp][] = [
      ['empty body', () => upload(new Uint8Array(0)), /the request body is empty/],
      ['garbage bytes', () => upload(Buffer.from('this is not a tar archive at all, just text '.repeat(50))), /not an image archive/],
      ['unnamed image', () => upload(readFileSync(archives.unnamed)), /does not name its image.*--name REF/],
      ['uppercase name', () => upload(readFileSync(archives.docker), '?name=Not/Valid'), /image reference 'Not\/Valid' is invalid/],
      ['name with spaces', () => upload(readFileSync(archives.docker), `?name=${encodeURIComponent('a b')}`), /contains whitespace/],
      ['empty name', () => upload(readFileSync(archives.docker), '?name='), /is invalid: it is empty/],
      ['name with a digest', () => upload(readFileSync(archives.docker), `?name=${encodeURIComponent(`app@sha256:${'a'.repeat(64)}`)}`), /name the image by a tag/],
      ['two names', () => upload(readFileSync(archives.docker), '?name=a&name=b'), /not several/],
    ];
    for (const [what, send, message] of cases) {
      const { status, body } = await send();
      expect({ what, status, code: (body as { ErrorCode: string }).ErrorCode }).toEqual({ what, status: 400, code: 'InvalidArgument' });
      expect((body as { ErrorMessage: string }).ErrorMessage).toMatch(message);
    }
    expect(await snapshot()).toEqual(before);
    expect(uploadsLeft()).toBe(0);
  });

  it('refuses an archive over 10 GiB from its declared length, before reading it', async () => {
    const before = await snapshot();
    const answer = await new Promise<{ status: number; body: { ErrorCode: string; ErrorMessage: string } }>((resolve, reject) => {
      const req = request(`${svc.url}/api/images/import`, { method: 'POST', headers: { 'x-fnplay-token': svc.apiToken, 'content-length': String(11 * 1024 ** 3) } }, async (res) => {
        let text = '';
        for await (const chunk of res) text += chunk;
        req.destroy();
        resolve({ status: res.statusCode!, body: JSON.parse(text) });
      });
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024)); // a start, then nothing: the answer must not wait for the rest
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringMatching(/larger than fnplay imports \(10737418240 bytes, 10 GiB\)/) });
    expect(await snapshot()).toEqual(before);
  });

  it('pulls from a loopback registry, and with basic auth where the registry wants it, never answering the password', async () => {
    const pull = (body: unknown) => api('/images/pull', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const plain = await pull({ reference: `${open.host}/team/app:v1` });
    expect(plain.status).toBe(200);
    expect((plain.body as { image: ImageSummary }).image).toMatchObject({ references: [`${open.host}/team/app:v1`], cmd: ['echo hello from busybox'] });

    const before = await snapshot();
    const without = await pull({ reference: `${guarded.host}/private/app:v1` });
    expect(without).toMatchObject({ status: 400, body: { ErrorCode: 'InvalidArgument', ErrorMessage: expect.stringMatching(/requires credentials \(none were given\)/) } });
    const password = 'not-the-password-7f3a9c';
    const wrong = await pull({ reference: `${guarded.host}/private/app:v1`, username: 'fnplay', password });
    expect(wrong).toMatchObject({ status: 400, body: { ErrorMessage: expect.stringMatching(/refused the credentials given/) } });
    expect(JSON.stringify(wrong.body)).not.toContain(password);
    expect(JSON.stringify(wrong.body)).not.toContain(Buffer.from(`fnplay:${password}`).toString('base64'));
    expect(await snapshot()).toEqual(before);

    const right = await pull({ reference: `${guarded.host}/private/app:v1`, ...guarded.credentials });
    expect(right.status).toBe(200);
    expect((right.body as { image: ImageSummary }).image).toMatchObject({ references: [`${guarded.host}/private/app:v1`], user: '1000:1000' });
    expect(JSON.stringify(right.body)).not.toContain(guarded.credentials!.password);
  });

  it('refuses malformed pull requests before any network, without echoing a password', async () => {
    const before = await snapshot();
    const password = 'secret-in-a-bad-request-42';
    const cases: [string, string, RegExp][] = [
      ['not JSON', '{"reference":', /not valid JSON/],
      ['no reference', '{}', /^reference: /],
      ['bad reference', JSON.stringify({ reference: 'Bad/Ref' }), /image reference 'Bad\/Ref' is invalid/],
      ['password without username', JSON.stringify({ reference: `${guarded.host}/private/app:v1`, password }), /username and password go together/],
      ['unknown field', JSON.stringify({ reference: `${open.host}/team/app:v1`, token: password }), /token|unrecognized/i],
      ['password not a string', JSON.stringify({ reference: `${open.host}/team/app:v1`, username: 'u', password: 42 }), /^password: /],
    ];
    for (const [what, body, message] of cases) {
      const res = await api('/images/pull', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect({ what, status: res.status, code: (res.body as { ErrorCode: string }).ErrorCode }).toEqual({ what, status: 400, code: 'InvalidArgument' });
      expect((res.body as { ErrorMessage: string }).ErrorMessage).toMatch(message);
      expect(JSON.stringify(res.body)).not.toContain(password);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to delete an image a function uses, naming the function, and deletes it once unused', async () => {
    const [image] = ((await upload(readFileSync(archives.docker), `?name=${encodeURIComponent('example.com/team/in-use:v1')}`)).body as { images: ImageSummary[] }).images;
    await svc.client.createService('images-api');
    await svc.client.createFunction('images-api', {
      functionName: 'app', runtime: 'custom-container', handler: 'not-used',
      customContainerConfig: { image: 'example.com/team/in-use:v1', accelerationType: 'None' },
    });
    const listed = ((await api('/images')).body as ImageList).images.find((i) => i.digest === image.digest)!;
    expect(listed.usedBy).toEqual([{ serviceName: 'images-api', functionName: 'app' }]);

    const path = `/images/${encodeURIComponent(image.digest)}`;
    const refused = await api(path, { method: 'DELETE' });
    expect(refused).toEqual({ status: 409, body: { ErrorCode: 'ImageInUse', ErrorMessage: `image ${image.digest} is used by function images-api/app: change its image or delete it first` } });
    expect((await snapshot())[image.digest]).toBeDefined();

    await svc.client.deleteFunction('images-api', 'app');
    const deleted = await api(path, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect((deleted.body as { freedBytes: number }).freedBytes).toBeGreaterThan(0);
    expect((await snapshot())[image.digest]).toBeUndefined();
    expect(await api(path, { method: 'DELETE' })).toMatchObject({ status: 404, body: { ErrorCode: 'ImageNotFound' } });
  });

  it('refuses a delete by anything but a digest', async () => {
    const before = await snapshot();
    for (const bad of ['example.com/team/busybox:v1', 'sha256:abc', `sha512:${'a'.repeat(128)}`, `sha256:${'G'.repeat(64)}`]) {
      const res = await api(`/images/${encodeURIComponent(bad)}`, { method: 'DELETE' });
      expect({ bad, status: res.status, code: (res.body as { ErrorCode: string }).ErrorCode }).toEqual({ bad, status: 400, code: 'InvalidArgument' });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('lets a request signed with the account keys in without the page token, and nothing else', async () => {
    const get = (headers: Record<string, string>) => fetch(`${svc.url}/api/images`, { headers }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect((await get(signRequest(TEST_KEYS, 'GET', '/api/images', {}))).status).toBe(200);
    expect(await get(signRequest({ ...TEST_KEYS, accessKeySecret: 'wrong' }, 'GET', '/api/images', {}))).toMatchObject({ status: 403, body: { ErrorCode: 'SignatureNotMatch' } });
    expect(await get(signRequest({ ...TEST_KEYS, accessKeyId: 'LTAIother' }, 'GET', '/api/images', {}))).toMatchObject({ status: 403, body: { ErrorCode: 'InvalidAccessKeyID' } });
    expect(await get({})).toMatchObject({ status: 401, body: { ErrorCode: 'Unauthorized' } });
    expect(await get({ 'x-fnplay-token': 'not-the-token' })).toMatchObject({ status: 401, body: { ErrorCode: 'Unauthorized' } });
  });

  it('sweeps a partial upload a killed service left behind when it starts again', async () => {
    // the test's own service, on a data dir with a leftover
    const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-images-api-restart-'));
    const first = await startTestService({ dataDir });
    await first.close({ keepData: true });
    mkdirSync(join(dataDir, 'uploads'), { recursive: true });
    writeFileSync(join(dataDir, 'uploads', 'left-behind.archive'), 'partial');
    const second = await startTestService({ dataDir });
    try {
      expect(statSync(join(dataDir, 'uploads'), { throwIfNoEntry: false })).toBeUndefined();
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
