// Images from a local Docker or Podman daemon. No daemon runs here, so a small fake of the Docker
// Engine API on a Unix socket answers what fnplay and skopeo's docker-daemon transport ask:
// `/_ping`, `/images/{name}/json` (inspect) and `/v1.22/images/get?names=…` (docker save),
// the last with a real `docker save` archive built offline.
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImageStore } from '../src/server/images/index.ts';
import { defaultDaemonSockets, findDaemon } from '../src/server/images/daemon-source.ts';
import { buildTestImages, exportImage, missingImageTools } from './helpers/oci-images.ts';

const missing = missingImageTools();

interface FakeDaemon {
  socket: string;
  /** `METHOD path` of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * The Docker Engine API's few endpoints, over a Unix socket. `images` maps the names the daemon
 * knows (as Docker's clients send them: `example.com/team/app:v1`, `busybox:1.35`) to `docker save`
 * archives; `ping: false` makes a socket that accepts connections but never answers.
 */
async function startFakeDaemon(socket: string, images: Record<string, string>, opts: { ping?: boolean } = {}): Promise<FakeDaemon> {
  const requests: string[] = [];
  const known = (name: string) => images[name] ?? images[name.replace(/^docker\.io\/(library\/)?/, '')];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v[\d.]+/, '');
    if (path === '/_ping') {
      if (opts.ping === false) return; // silent: the client's timeout decides
      res.setHeader('api-version', '1.41');
      return res.end('OK');
    }
    const inspect = /^\/images\/(.+)\/json$/.exec(path);
    if (inspect) {
      if (!known(inspect[1])) return notFound(res, inspect[1]);
      return res.end(JSON.stringify({ Id: 'sha256:fake', RepoTags: [inspect[1]] }));
    }
    if (path === '/images/get') {
      const name = url.searchParams.get('names') ?? '';
      const archive = known(name);
      if (!archive) return notFound(res, name);
      res.setHeader('content-type', 'application/x-tar');
      return void createReadStream(archive).pipe(res);
    }
    notFound(res, path);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    requests,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

function notFound(res: import('node:http').ServerResponse, name: string) {
  res.statusCode = 404;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ message: `No such image: ${name}` }));
}

describe('daemon sockets', () => {
  it('looks where Docker and Podman clients look, $DOCKER_HOST first, and never at a TCP daemon', () => {
    expect(defaultDaemonSockets({ DOCKER_HOST: 'unix:///home/u/.docker/run/docker.sock', XDG_RUNTIME_DIR: '/run/user/1000' })).toEqual([
      '/home/u/.docker/run/docker.sock', '/var/run/docker.sock', '/run/user/1000/podman/podman.sock', '/run/podman/podman.sock',
    ]);
    expect(defaultDaemonSockets({ DOCKER_HOST: 'tcp://10.0.0.5:2375' })).toEqual(['/var/run/docker.sock', '/run/podman/podman.sock']);
  });
});

describe.skipIf(missing.length > 0)(`images from a container daemon${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let daemon: FakeDaemon;
  const archives: Record<string, string> = {};
  let stores = 0;
  const newStore = (daemonSockets: string[]) => createImageStore({ dir: join(dir, `store-${stores++}`), daemonSockets });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-daemon-'));
    const { layout, tags } = await buildTestImages(dir, { go: false });
    // what `docker save NAME` answers: the archive carries the name it was asked for
    archives.app = await exportImage(layout, tags.busybox, 'docker-archive', join(dir, 'app.tar'), 'example.com/team/app:v1');
    archives.hub = await exportImage(layout, tags.nonRoot, 'docker-archive', join(dir, 'hub.tar'), 'busybox:1.35');
    daemon = await startFakeDaemon(join(dir, 'docker.sock'), { 'example.com/team/app:v1': archives.app, 'busybox:1.35': archives.hub });
  }, 120_000);

  afterAll(async () => {
    await daemon?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies an image the daemon holds into the store, named by the normalized reference', async () => {
    const store = newStore([join(dir, 'absent.sock'), daemon.socket]);
    daemon.requests.length = 0;
    const info = await store.fromDaemon('example.com/team/app:v1');
    expect(info).toMatchObject({ references: ['example.com/team/app:v1'], cmd: ['echo hello from busybox'], architecture: 'amd64', problem: null });
    expect(store.resolve('example.com/team/app:v1')).toBe(info!.digest);
    // ping, inspect, then skopeo's docker-daemon transport: one export, by the name Docker's clients use
    expect(daemon.requests).toEqual(['GET /_ping', 'GET /images/example.com/team/app:v1/json', 'GET /v1.22/images/get?names=example.com%2Fteam%2Fapp%3Av1']);
    const root = await store.unpack(info!.digest);
    expect(store.rootfsDir(info!.digest)).toBe(root);
  });

  it('reads Docker Hub short names as Docker does', async () => {
    const store = newStore([daemon.socket]);
    const info = await store.fromDaemon('busybox:1.35');
    expect(info).toMatchObject({ references: ['docker.io/library/busybox:1.35'], user: '1000:1000' });
    expect(store.resolve('docker.io/library/busybox:1.35')).toBe(info!.digest);
  });

  it('answers null, and copies nothing, when the daemon does not hold the image', async () => {
    const store = newStore([daemon.socket]);
    daemon.requests.length = 0;
    expect(await store.fromDaemon('example.com/team/other:v1')).toBeNull();
    expect(daemon.requests).toEqual(['GET /_ping', 'GET /images/example.com/team/other:v1/json']);
    expect(await store.list()).toEqual([]);
  });

  it('answers null when no daemon answers: no socket, or one that stays silent past the short timeout', async () => {
    const silent = await startFakeDaemon(join(dir, 'silent.sock'), { 'example.com/team/app:v1': archives.app }, { ping: false });
    try {
      const store = newStore([join(dir, 'absent.sock'), silent.socket]);
      const started = Date.now();
      expect(await store.fromDaemon('example.com/team/app:v1')).toBeNull();
      expect(Date.now() - started).toBeLessThan(5000);
      expect(silent.requests).toEqual(['GET /_ping']);
      expect(await findDaemon([join(dir, 'app.tar')])).toBeNull(); // a file that is not a socket
      expect(await store.list()).toEqual([]);
    } finally {
      await silent.close();
    }
  });

  it('refuses a malformed reference before asking any daemon', async () => {
    const store = newStore([daemon.socket]);
    daemon.requests.length = 0;
    await expect(store.fromDaemon('Not A Reference')).rejects.toThrow(/image reference 'Not A Reference' is invalid/);
    expect(daemon.requests).toEqual([]);
  });
});
