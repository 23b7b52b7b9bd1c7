// The image store against the real tools: images built offline (test/helpers/oci-images.ts),
// imported from the archives users have, unpacked by umoci, run from the unpacked tree.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FcError } from '../src/server/errors.ts';
import { createImageStore, resolveImageUser, type ImageStore, type UnpackProgress } from '../src/server/images/index.ts';
import { buildImage, buildImageIndex, buildTestImages, busyboxLayer, exportImage, missingImageTools, type TestImages } from './helpers/oci-images.ts';
import { allocatePort } from '../src/server/instances/ports.ts';

const run = promisify(execFile);
const missing = missingImageTools({ go: true });

describe.skipIf(missing.length > 0)(`image store${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let images: TestImages;
  const archives: Record<string, string> = {};
  const stores: string[] = [];
  /** A fresh store in its own dir (each test can count on an empty one). */
  const newStore = (opts: { maxUncompressedBytes?: number; umoci?: string } = {}): ImageStore => {
    const storeDir = join(dir, `store-${stores.length}`);
    stores.push(storeDir);
    return createImageStore({ dir: storeDir, ...opts });
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-images-'));
    images = await buildTestImages(dir);
    const { layout, tags } = images;
    archives.busyboxDocker = await exportImage(layout, tags.busybox, 'docker-archive', join(dir, 'busybox-docker.tar'), 'example.com/team/busybox:v1');
    archives.busyboxShortName = await exportImage(layout, tags.busybox, 'docker-archive', join(dir, 'busybox-short.tar'), 'busybox:1.35');
    archives.busyboxUnnamed = await exportImage(layout, tags.busybox, 'docker-archive', join(dir, 'busybox-unnamed.tar'));
    archives.whiteoutOci = await exportImage(layout, tags.whiteout, 'oci-archive', join(dir, 'whiteout-oci.tar'), 'registry.example.com/ns/whiteout:1');
    archives.nonRootOci = await exportImage(layout, tags.nonRoot, 'oci-archive', join(dir, 'non-root-oci.tar'), 'non-root:1');
    archives.goServer = await exportImage(layout, tags.goServer, 'docker-archive', join(dir, 'go-server.tar'), 'go-server:1');
    archives.arm64 = await exportImage(layout, tags.arm64, 'oci-archive', join(dir, 'arm64.tar'), 'arm64-app:1');
    archives.busyboxGz = join(dir, 'busybox-docker.tar.gz');
    await pipeline(createReadStream(archives.busyboxDocker), createGzip(), createWriteStream(archives.busyboxGz));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('import', () => {
    it('imports a docker save archive under the name it carries, with the config FC uses', async () => {
      const store = newStore();
      const [info] = await store.import(archives.busyboxDocker);
      expect(info.references).toEqual(['example.com/team/busybox:v1']);
      expect(info.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(info).toMatchObject({
        os: 'linux', architecture: 'amd64', problem: null,
        entrypoint: ['/bin/sh', '-c'], cmd: ['echo hello from busybox'], env: ['PATH=/bin', 'GREETING=hello'], workingDir: '/tmp', user: '',
      });
      expect(info.layers).toHaveLength(1);
      const busyboxBytes = statSync('/bin/busybox').size;
      expect(info.size).toBeLessThan(busyboxBytes); // stored gzipped
      expect(info.uncompressedSize).toBeGreaterThan(busyboxBytes);
      expect(info.uncompressedSize).toBe(info.layers[0].uncompressedSize);
      expect(store.resolve('example.com/team/busybox:v1')).toBe(info.digest);
      expect(await store.inspect(info.digest)).toEqual(info);
    });

    it('normalizes names as Docker does, from the archive and from the caller', async () => {
      const store = newStore();
      const [short] = await store.import(archives.busyboxShortName);
      expect(short.references).toEqual(['docker.io/library/busybox:1.35']);
      expect(store.resolve('busybox:1.35')).toBe(short.digest);
      expect(store.resolve('docker.io/library/busybox:1.35')).toBe(short.digest);
      const [named] = await store.import(archives.busyboxDocker, { name: 'tools/bb' });
      expect(named.digest).toBe(short.digest); // the same image: one digest, two names
      expect(named.references).toEqual(['docker.io/library/busybox:1.35', 'docker.io/tools/bb:latest']);
    });

    it('imports an OCI archive and an OCI layout directory', async () => {
      const store = newStore();
      const [wh] = await store.import(archives.whiteoutOci);
      expect(wh.references).toEqual(['registry.example.com/ns/whiteout:1']);
      expect(wh.layers).toHaveLength(4); // busybox, the files, two whiteouts
      // a layout holding one image, as `skopeo copy … oci:DIR` or buildah write it
      const single = join(dir, 'single-layout');
      await run('skopeo', ['copy', '--quiet', '--insecure-policy', `oci:${images.layout}:${images.tags.nonRoot}`, `oci:${single}:app.example.com/non-root:2`]);
      const [fromDir] = await store.import(single);
      expect(fromDir.references).toEqual(['app.example.com/non-root:2']);
      expect(fromDir.user).toBe('1000:1000');
      const [prefixed] = await store.import(`oci:${single}`, { name: 'renamed:3' });
      expect(prefixed.digest).toBe(fromDir.digest);
      expect(prefixed.references.sort()).toEqual(['app.example.com/non-root:2', 'docker.io/library/renamed:3']);
    });

    it('takes the linux/amd64 image of a multi-platform archive', async () => {
      const store = newStore();
      const layout = join(dir, 'multi-layout');
      await run('skopeo', ['copy', '--quiet', '--insecure-policy', `oci:${images.layout}:${images.tags.busybox}`, `oci:${layout}:bb`]);
      await run('skopeo', ['copy', '--quiet', '--insecure-policy', `oci:${images.layout}:${images.tags.arm64}`, `oci:${layout}:arm`]);
      await buildImageIndex(layout, 'multi', ['arm', 'bb']);
      const archive = join(dir, 'multi.tar');
      await run('skopeo', ['copy', '--quiet', '--insecure-policy', '--all', `oci:${layout}:multi`, `oci-archive:${archive}:multi.example.com/app:1`]);
      const [info] = await store.import(archive);
      expect(info).toMatchObject({ references: ['multi.example.com/app:1'], architecture: 'amd64', cmd: ['echo hello from busybox'], problem: null });
    });

    it('imports a gzipped docker save archive (docker save | gzip)', async () => {
      const store = newStore();
      const [info] = await store.import(archives.busyboxGz);
      expect(info.references).toEqual(['example.com/team/busybox:v1']);
    });

    it('a later import of the same name moves the name, and keeps the old digest for what still runs it', async () => {
      const store = newStore();
      const [old] = await store.import(archives.busyboxDocker, { name: 'app:v1' });
      const [next] = await store.import(archives.goServer, { name: 'app:v1' });
      expect(store.resolve('app:v1')).toBe(next.digest);
      expect((await store.inspect(old.digest)).references).toEqual([]);
      expect((await store.list()).map((i) => i.digest).sort()).toEqual([old.digest, next.digest].sort());
    });

    it('refuses what is not an image, and an image without a name, saying what to do', async () => {
      const store = newStore();
      await expect(store.import(archives.busyboxUnnamed)).rejects.toThrow(/does not name its image .*--name REF/);
      const [named] = await store.import(archives.busyboxUnnamed, { name: 'given:1' });
      expect(named.references).toEqual(['docker.io/library/given:1']);
      const text = join(dir, 'not-an-image.txt');
      writeFileSync(text, 'hello');
      await expect(store.import(text)).rejects.toThrow(/not an image archive/);
      const tarOfNothing = join(dir, 'plain.tar');
      await run('tar', ['-cf', tarOfNothing, '-C', dir, 'not-an-image.txt']);
      await expect(store.import(tarOfNothing)).rejects.toThrow(/neither a docker save archive \(manifest.json\) nor an OCI archive/);
      await expect(store.import(join(dir, 'nope.tar'))).rejects.toThrow(/no such file/);
      await expect(store.import(dir)).rejects.toThrow(/not an OCI image layout/);
      await expect(store.import(images.layout, { name: 'x:1' })).rejects.toThrow(/holds 5 images/);
      await expect(store.import(archives.busyboxDocker, { name: 'Bad:Name' })).rejects.toBeInstanceOf(FcError);
      expect(await store.list()).toHaveLength(1);
    });

    it('refuses an image over the uncompressed size limit, naming the limit, and keeps none of it', async () => {
      const store = newStore({ maxUncompressedBytes: 1024 * 1024 });
      const err = await store.import(archives.busyboxDocker).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FcError);
      expect((err as FcError).code).toBe('InvalidArgument');
      expect((err as FcError).message).toMatch(/is 1\.\d\d MB uncompressed, over this service's limit of 1\.00 MB .*3 GB .*10 GB/);
      expect(await store.list()).toEqual([]);
      expect((await store.diskUsage()).blobBytes).toBe(0);
    });
  });

  describe('inspect', () => {
    it('says an arm64 image cannot run, with the seed\'s advice, but keeps it', async () => {
      const store = newStore();
      const [arm] = await store.import(archives.arm64);
      expect(arm).toMatchObject({ os: 'linux', architecture: 'arm64' });
      expect(arm.problem).toMatch(/built for linux\/arm64; Function Compute runs only linux\/amd64 images.*docker build --platform linux\/amd64/);
      const err = await store.unpack('arm64-app:1').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FcError);
      expect((err as FcError).message).toBe(arm.problem);
      expect(store.rootfsDir(arm.digest)).toBeNull();
    });

    it('names the image it does not have, and how to get it', async () => {
      const store = newStore();
      await expect(store.inspect('nothing:here')).rejects.toThrow(/image nothing:here is not in fnplay's image store; pull it .* or import it/);
      await expect(store.inspect('UPPER')).rejects.toThrow(/lowercase/);
    });

    it('gives the non-root USER, the entrypoint and the exposed port', async () => {
      const store = newStore();
      const [nr] = await store.import(archives.nonRootOci);
      expect(nr).toMatchObject({ user: '1000:1000', workingDir: '/home/app', cmd: ['/bin/id'], entrypoint: null });
      const [go] = await store.import(archives.goServer);
      expect(go).toMatchObject({ entrypoint: ['/server'], exposedPorts: ['9000/tcp'] });
    });
  });

  describe('unpack', () => {
    it('unpacks once per digest into a complete root filesystem, with progress to the end', async () => {
      const store = newStore();
      const [bb] = await store.import(archives.busyboxDocker);
      expect(store.rootfsDir(bb.digest)).toBeNull();
      const progress: UnpackProgress[] = [];
      const root = await store.unpack('example.com/team/busybox:v1', (p) => progress.push(p));
      expect(store.rootfsDir(bb.digest)).toBe(root);
      expect(statSync(join(root, 'bin/busybox')).mode & 0o111).not.toBe(0);
      expect(lstatSync(join(root, 'bin/sh')).isSymbolicLink()).toBe(true);
      // mount points a read-only bind of this tree as / needs
      for (const d of ['proc', 'sys', 'dev', 'tmp']) expect(statSync(join(root, d)).isDirectory()).toBe(true);
      for (const f of ['etc/hosts', 'etc/resolv.conf']) expect(statSync(join(root, f)).isFile()).toBe(true);
      expect(progress[0]).toEqual({ layersDone: 0, layers: 1, bytesDone: 0, bytes: bb.uncompressedSize });
      expect(progress.at(-1)).toEqual({ layersDone: 1, layers: 1, bytesDone: bb.uncompressedSize, bytes: bb.uncompressedSize });
      for (let i = 1; i < progress.length; i++) expect(progress[i].bytesDone).toBeGreaterThanOrEqual(progress[i - 1].bytesDone);
      // the busybox in the tree runs
      const out = await run(join(root, 'bin/busybox'), ['echo', 'ran from the rootfs']);
      expect(out.stdout).toBe('ran from the rootfs\n');
      // a second unpack is the finished tree at once
      const again: UnpackProgress[] = [];
      expect(await store.unpack(bb.digest, (p) => again.push(p))).toBe(root);
      expect(again).toEqual([progress.at(-1)]);
      expect(readdirSync(join(stores.at(-1)!, 'tmp')).filter((n) => n !== 'jobs')).toEqual([]);
    });

    it('concurrent unpacks of one digest share one umoci run, and each gets the progress', async () => {
      const log = join(dir, 'umoci-runs.log');
      const wrapper = join(dir, 'umoci-counting');
      writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec umoci "$@"\n`, { mode: 0o755 });
      const store = newStore({ umoci: wrapper });
      const [wh] = await store.import(archives.whiteoutOci);
      const seen = [0, 0, 0];
      const roots = await Promise.all([0, 1, 2].map((i) => store.unpack(wh.digest, () => seen[i]++)));
      expect(new Set(roots).size).toBe(1);
      expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
      expect(seen.every((n) => n > 0)).toBe(true);
    });

    it('applies whiteouts: a file and a directory deleted in an upper layer are absent', async () => {
      const store = newStore();
      const [wh] = await store.import(archives.whiteoutOci);
      const root = await store.unpack(wh.digest);
      expect(readFileSync(join(root, 'data/keep.txt'), 'utf8')).toBe('kept');
      expect(existsSync(join(root, 'data/gone.txt'))).toBe(false);
      expect(existsSync(join(root, 'data/gone-dir'))).toBe(false);
      const all = spawnSync('find', [root], { encoding: 'utf8' }).stdout;
      expect(all).not.toMatch(/\.wh\./);
    });

    it('a rootless unpack leaves every file owned by the service user, modes kept', async () => {
      const store = newStore();
      const [nr] = await store.import(archives.nonRootOci);
      const root = await store.unpack(nr.digest);
      const uid = process.getuid!();
      const owners = new Set(spawnSync('find', [root, '-printf', '%U\\n'], { encoding: 'utf8' }).stdout.trim().split('\n'));
      expect([...owners]).toEqual([String(uid)]);
      expect(statSync(join(root, 'home/app')).isDirectory()).toBe(true);
      expect(statSync(join(root, 'bin/busybox')).mode & 0o777).toBe(0o755);
      // the USER is for the sandbox to map the owner to: the numbers from the image's passwd
      expect(await resolveImageUser(root, nr.user)).toEqual({ uid: 1000, gid: 1000, home: '/home/app' });
    });

    it('the unaccelerated path unpacks into a given dir without preparing the store copy', async () => {
      const store = newStore();
      const [bb] = await store.import(archives.busyboxDocker);
      const dest = join(dir, 'instance-own-root');
      const progress: UnpackProgress[] = [];
      await store.unpackTo(bb.digest, dest, (p) => progress.push(p));
      expect(existsSync(join(dest, 'bin/busybox'))).toBe(true);
      expect(existsSync(join(dest, 'proc'))).toBe(true);
      expect(progress.at(-1)).toMatchObject({ layersDone: 1, layers: 1 });
      expect(store.rootfsDir(bb.digest)).toBeNull();
      await expect(store.unpackTo(bb.digest, dest)).rejects.toThrow(/exists already/);
    });

    it('remove frees the root filesystem and the blobs only that image used', async () => {
      const store = newStore();
      // two images sharing the busybox layer: same layers, another config
      const shared = join(dir, 'shared-layout');
      await run('skopeo', ['copy', '--quiet', '--insecure-policy', `oci:${images.layout}:${images.tags.busybox}`, `oci:${shared}:a`]);
      await run('umoci', ['config', '--image', `${shared}:a`, '--tag', 'b', '--config.env', 'WHICH=b']);
      const [a] = await store.import(await exportImage(shared, 'a', 'oci-archive', join(dir, 'a.tar'), 'shared/a:1'));
      const [b] = await store.import(await exportImage(shared, 'b', 'oci-archive', join(dir, 'b.tar'), 'shared/b:1'));
      expect(a.layers[0].digest).toBe(b.layers[0].digest);
      await store.unpack(a.digest);
      const before = await store.diskUsage();
      expect(before.images.find((i) => i.digest === a.digest)?.rootfsBytes).toBeGreaterThan(1_000_000);
      const { freedBytes } = await store.remove(a.digest);
      expect(freedBytes).toBeGreaterThan(1_000_000); // the rootfs; the layer stays for b
      expect(store.rootfsDir(a.digest)).toBeNull();
      expect(store.resolve('shared/a:1')).toBeNull();
      await expect(store.inspect(a.digest)).rejects.toThrow(/not in fnplay's image store/);
      const after = await store.diskUsage();
      expect(after.rootfsBytes).toBe(0);
      expect(after.blobBytes).toBeLessThan(before.blobBytes);
      expect(after.blobBytes).toBeGreaterThan(b.size);
      // b still unpacks: its layer was kept
      const root = await store.unpack('shared/b:1');
      expect(existsSync(join(root, 'bin/busybox'))).toBe(true);
      await store.remove(b.digest);
      expect((await store.diskUsage()).totalBytes).toBe(0);
    });

    it('remove during an unpack waits for it, then takes the tree too', async () => {
      const store = newStore();
      const [wh] = await store.import(archives.whiteoutOci);
      const unpacking = store.unpack(wh.digest);
      const removing = store.remove(wh.digest);
      const root = await unpacking;
      expect((await removing).freedBytes).toBeGreaterThan(0);
      expect(existsSync(root)).toBe(false);
      expect(store.rootfsDir(wh.digest)).toBeNull();
      expect((await store.diskUsage()).totalBytes).toBe(0);
    });

    it('a new store drops what an interrupted remove or copy left: unlisted trees, unused blobs', async () => {
      const store = newStore();
      const storeDir = stores.at(-1)!;
      const [bb] = await store.import(archives.busyboxDocker);
      const root = await store.unpack(bb.digest);
      const stray = `sha256:${'0'.repeat(64)}`;
      mkdirSync(join(storeDir, 'rootfs', stray.replace(':', '-'), 'bin'), { recursive: true });
      const strayBlob = join(storeDir, 'layout/blobs/sha256', 'f'.repeat(64));
      writeFileSync(strayBlob, 'half a layer');
      const next = createImageStore({ dir: storeDir });
      expect(next.rootfsDir(stray)).toBeNull();
      expect(readdirSync(join(storeDir, 'rootfs'))).toEqual([root.split('/').pop()]);
      expect(next.rootfsDir(bb.digest)).toBe(root);
      await poll(async () => {
        if (existsSync(strayBlob)) throw new Error('not swept yet');
      });
      expect((await next.inspect('example.com/team/busybox:v1')).digest).toBe(bb.digest);
    });

    it('runs the unpacked Go server from its tree', async () => {
      const store = newStore();
      const [go] = await store.import(archives.goServer);
      const root = await store.unpack(go.digest);
      const port = await allocatePort();
      const child = spawn(join(root, 'server'), [], { env: { LISTEN_ADDR: `127.0.0.1:${port}` }, stdio: 'ignore' });
      try {
        const answer = await poll(() => fetch(`http://127.0.0.1:${port}/invoke`, { method: 'POST', body: 'ping' }).then((r) => r.text()));
        expect(answer).toBe('ping');
      } finally {
        child.kill('SIGKILL');
      }
    });

    const bwrapWorks = spawnSync('bwrap', ['--unshare-user', '--ro-bind', '/', '/', 'true']).status === 0;
    it.skipIf(!bwrapWorks)('runs the non-root image in bubblewrap, read-only as /, as its USER', async () => {
      const store = newStore();
      const [nr] = await store.import(archives.nonRootOci);
      const root = await store.unpack(nr.digest);
      const script = 'id -u; id -g; touch /home/app/x 2>/dev/null || echo read-only; echo w > /tmp/w && echo tmp-ok';
      const out = await run('bwrap', [
        '--unshare-user', '--unshare-pid', '--uid', '1000', '--gid', '1000',
        '--ro-bind', root, '/', '--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--chdir', '/home/app',
        '--clearenv', '--setenv', 'PATH', '/bin', '/bin/sh', '-c', script,
      ]);
      expect(out.stdout.split('\n')).toEqual(['1000', '1000', 'read-only', 'tmp-ok', '']);
    });
  });

  it('builds an image from scratch in the test (helper smoke)', async () => {
    const layout = join(dir, 'extra-layout');
    await run('umoci', ['init', '--layout', layout]);
    await buildImage(layout, 'one', { layers: [busyboxLayer()], config: { cmd: ['/bin/true'] } });
    const stat = JSON.parse((await run('umoci', ['stat', '--image', `${layout}:one`, '--json'])).stdout);
    expect(stat.history.length).toBeGreaterThan(0);
  });
});


async function poll<T>(fn: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
