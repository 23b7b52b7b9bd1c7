// Test images built offline, the way a user's image would look, with Debian's tools only: umoci
// makes the layers and the config in an OCI layout, skopeo exports them as a `docker save`
// archive or an OCI archive and pushes them to a registry, Debian's docker-registry serves them
// on loopback, and Debian's Go builds the static server some of them run.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { allocatePort } from '../../src/server/instances/ports.ts';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const BUSYBOX = '/bin/busybox';
export const REGISTRY_BIN = '/usr/bin/docker-registry';

/** Which of the tools the images need are missing here (empty when all are installed). */
export function missingImageTools(opts: { go?: boolean; registry?: boolean } = {}): string[] {
  const missing: string[] = [];
  const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (!has('umoci')) missing.push('umoci');
  if (!has('skopeo')) missing.push('skopeo');
  if (!existsSync(BUSYBOX)) missing.push('busybox-static');
  if (opts.go && !has('go')) missing.push('golang-go');
  if (opts.registry && !existsSync(REGISTRY_BIN)) missing.push('docker-registry');
  return missing;
}

export type FileSpec = string | Buffer | { content?: string | Buffer; from?: string; mode?: number; symlink?: string; dir?: true };

export interface LayerSpec {
  /** Paths inside the image (no leading slash needed) → content; one `umoci insert` layer. */
  files?: Record<string, FileSpec>;
  /** Paths removed in this layer (a whiteout entry each, a layer of its own). */
  whiteouts?: string[];
}

export interface ImageConfigSpec {
  entrypoint?: string[];
  cmd?: string[];
  env?: string[];
  workingDir?: string;
  user?: string;
  exposedPorts?: string[];
  os?: string;
  architecture?: string;
}

/** An empty OCI layout at `dir` (umoci init). */
export async function createLayout(dir: string): Promise<string> {
  await run('umoci', ['init', '--layout', dir]);
  return dir;
}

/** Builds `layout:tag` from layers (each `umoci insert`, rootless so files are root's) and a config. */
export async function buildImage(layout: string, tag: string, spec: { layers: LayerSpec[]; config?: ImageConfigSpec }): Promise<void> {
  const image = `${layout}:${tag}`;
  await run('umoci', ['new', '--image', image]);
  for (const layer of spec.layers) {
    if (layer.files && Object.keys(layer.files).length > 0) {
      const staging = await mkdtemp(join(tmpdir(), 'fnplay-layer-'));
      try {
        await chmod(staging, 0o755); // becomes the image's / (mkdtemp makes 0700)
        for (const [path, file] of Object.entries(layer.files)) await writeSpec(join(staging, path), file);
        await run('umoci', ['insert', '--rootless', '--image', image, staging, '/']);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
    }
    for (const path of layer.whiteouts ?? []) await run('umoci', ['insert', '--image', image, '--whiteout', `/${path.replace(/^\/+/, '')}`]);
  }
  const c = spec.config ?? {};
  const args = ['config', '--image', image, '--os', c.os ?? 'linux', '--architecture', c.architecture ?? 'amd64'];
  for (const e of c.entrypoint ?? []) args.push('--config.entrypoint', e);
  for (const e of c.cmd ?? []) args.push('--config.cmd', e);
  for (const e of c.env ?? []) args.push('--config.env', e);
  for (const p of c.exposedPorts ?? []) args.push('--config.exposedports', p);
  if (c.workingDir) args.push('--config.workingdir', c.workingDir);
  if (c.user) args.push('--config.user', c.user);
  await run('umoci', args);
}

async function writeSpec(path: string, file: FileSpec) {
  await mkdir(dirname(path), { recursive: true });
  if (typeof file === 'string' || Buffer.isBuffer(file)) return writeFile(path, file, { mode: 0o644 });
  if (file.dir) return mkdir(path, { recursive: true, mode: file.mode ?? 0o755 });
  if (file.symlink) return symlink(file.symlink, path);
  if (file.from) await copyFile(file.from, path);
  else await writeFile(path, file.content ?? '');
  await chmod(path, file.mode ?? 0o644);
}

const BUSYBOX_APPLETS = ['sh', 'echo', 'cat', 'ls', 'sleep', 'id', 'env', 'true', 'false', 'mkdir', 'rm', 'touch', 'wget', 'nc', 'httpd', 'test', 'stat'];

/** /bin/busybox (Debian's static one) with its common applets as symlinks, /etc/passwd with root and app (1000). */
export function busyboxLayer(): LayerSpec {
  const files: Record<string, FileSpec> = { 'bin/busybox': { from: BUSYBOX, mode: 0o755 } };
  for (const applet of BUSYBOX_APPLETS) files[`bin/${applet}`] = { symlink: 'busybox' };
  files['etc/passwd'] = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n';
  files['etc/group'] = 'root:x:0:\napp:x:1000:\n';
  return { files };
}

/**
 * A tiny CA-protocol server in Go (stdlib only): POST /invoke echoes the body with x-fc-status
 * 200; /initialize, /pre-freeze and /pre-stop answer 200 and print a line; any other request
 * (an HTTP function) answers its method and path as JSON. It listens on $LISTEN_ADDR, default
 * 0.0.0.0:9000; LISTEN_ADDR=none makes it never listen (FC's 120 s start limit applies).
 */
export const GO_SERVER_SOURCE = `package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	addr := os.Getenv("LISTEN_ADDR")
	if addr == "" {
		addr = "0.0.0.0:9000"
	}
	if addr == "none" {
		fmt.Println("not listening, on purpose")
		for {
			time.Sleep(time.Hour)
		}
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rid := r.Header.Get("x-fc-request-id")
		switch {
		case r.Method == "POST" && r.URL.Path == "/invoke":
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("x-fc-status", "200")
			w.Write(body)
		case r.Method == "POST" && r.URL.Path == "/initialize":
			fmt.Println("initialize " + rid)
			w.Write([]byte("initialized"))
		case r.Method == "GET" && (r.URL.Path == "/pre-freeze" || r.URL.Path == "/pre-stop"):
			fmt.Println(r.URL.Path[1:] + " " + rid)
			w.Write([]byte("ok"))
		default:
			w.Header().Set("content-type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.Path, "user": fmt.Sprint(os.Getuid())})
		}
	})
	fmt.Println("listening on " + addr)
	if err := http.ListenAndServe(addr, nil); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
`;

/**
 * A static linux/amd64 binary of `source` (package main), built offline by Debian's Go and kept
 * by the source's hash under the OS temp dir, so a second run (or another test file) reuses it.
 */
export async function buildGoBinary(source = GO_SERVER_SOURCE): Promise<string> {
  const root = join(tmpdir(), 'fnplay-test-images');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const binary = join(root, `go-${hash}`, 'server');
  if (existsSync(binary)) return binary;
  await mkdir(root, { recursive: true });
  const work = await mkdtemp(join(root, 'build-'));
  try {
    await writeFile(join(work, 'main.go'), source);
    const env = {
      PATH: process.env.PATH, HOME: work, CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOFLAGS: '-buildvcs=false', GOPROXY: 'off', GO111MODULE: 'off',
      GOCACHE: join(root, 'gocache'), // kept: a cold build of net/http takes ~20 s
    };
    await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', 'server', 'main.go'], { cwd: work, env });
    await mkdir(dirname(binary), { recursive: true });
    await rename(join(work, 'server'), binary).catch((err: NodeJS.ErrnoException) => {
      if (!existsSync(binary)) throw err; // another test file built it at the same time
    });
    return binary;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A multi-platform image index `layout:tag` over images already in the layout (each entry's
 * platform read from its config), in the order given, as `docker buildx --platform a,b` makes.
 */
export async function buildImageIndex(layout: string, tag: string, tags: string[]): Promise<void> {
  const indexPath = join(layout, 'index.json');
  const index = JSON.parse(await readFile(indexPath, 'utf8')) as { manifests: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[] };
  const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
  const manifests = [];
  for (const t of tags) {
    const d = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === t);
    if (!d) throw new Error(`no ${t} in ${layout}`);
    const manifest = JSON.parse(await readFile(blob(d.digest), 'utf8'));
    const config = JSON.parse(await readFile(blob(manifest.config.digest), 'utf8'));
    manifests.push({ mediaType: d.mediaType, digest: d.digest, size: d.size, platform: { os: config.os, architecture: config.architecture } });
  }
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests }));
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  await writeFile(blob(digest), body);
  index.manifests.push({ mediaType: 'application/vnd.oci.image.index.v1+json', digest, size: body.length, annotations: { 'org.opencontainers.image.ref.name': tag } });
  await writeFile(indexPath, JSON.stringify(index));
}

/** `layout:tag` as a file skopeo writes: a `docker save` archive or an OCI archive, carrying `reference`. */
export async function exportImage(layout: string, tag: string, format: 'docker-archive' | 'oci-archive', file: string, reference?: string): Promise<string> {
  await run('skopeo', ['copy', '--quiet', '--insecure-policy', `oci:${layout}:${tag}`, reference ? `${format}:${file}:${reference}` : `${format}:${file}`]);
  return file;
}

/** Pushes `layout:tag` to `docker://dest` over plain HTTP (a loopback registry). */
export async function pushImage(layout: string, tag: string, dest: string, creds?: { username: string; password: string }): Promise<void> {
  // --all: an image index goes with every image it lists
  const args = ['copy', '--quiet', '--insecure-policy', '--all', '--dest-tls-verify=false'];
  if (creds) args.push('--dest-creds', `${creds.username}:${creds.password}`);
  await run('skopeo', [...args, `oci:${layout}:${tag}`, `docker://${dest}`]);
}

export interface TestRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  /** Set when the registry requires basic auth. */
  credentials: { username: string; password: string } | null;
  stop(): Promise<void>;
}

// docker-registry's htpasswd takes bcrypt only; this is the OpenBSD bcrypt test vector for the
// password "U*U", so no bcrypt implementation is needed to make one.
const BCRYPT_U_STAR_U = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';

/** Debian's docker-registry on a free loopback port, storage in a temp dir; with `auth`, basic auth for fnplay / U*U. */
export async function startRegistry(opts: { auth?: boolean } = {}): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'fnplay-registry-'));
  const port = await allocatePort();
  const host = `127.0.0.1:${port}`;
  const credentials = opts.auth ? { username: 'fnplay', password: 'U*U' } : null;
  const lines = ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`, 'http:', `  addr: ${host}`, '  secret: fnplay-test'];
  if (credentials) {
    await writeFile(join(dir, 'htpasswd'), `${credentials.username}:${BCRYPT_U_STAR_U}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: fnplay-test', `    path: ${join(dir, 'htpasswd')}`);
  }
  await writeFile(join(dir, 'config.yml'), `${lines.join('\n')}\n`);
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-8192)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const status = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
    if (status === 200 || status === 401) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`docker-registry did not start on ${host}: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    credentials,
    async stop() {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}


export interface TestImages {
  /** The OCI layout holding every image below, by tag. */
  layout: string;
  tags: { busybox: string; goServer: string; nonRoot: string; whiteout: string; arm64: string };
}

/**
 * The standard set, in one layout under `dir`:
 * - busybox: Debian's static busybox, `sh -c 'echo hello from busybox'`, WorkingDir /tmp, an Env
 * - go-server: the static Go server on 0.0.0.0:9000 (GO_SERVER_SOURCE), ExposedPorts 9000/tcp
 * - non-root: busybox with USER 1000:1000 and /home/app
 * - whiteout: /data/gone.txt and /data/gone-dir/ added in one layer and deleted in the next
 *   (keep.txt stays)
 * - arm64: busybox with an arm64 config (the binary is still amd64: only the config says arm64)
 */
export async function buildTestImages(dir: string, opts: { go?: boolean } = {}): Promise<TestImages> {
  const layout = await createLayout(join(dir, 'test-images'));
  const tags = { busybox: 'busybox', goServer: 'go-server', nonRoot: 'non-root', whiteout: 'whiteout', arm64: 'arm64' };
  const bb = busyboxLayer();
  // one image at a time: umoci rewrites the layout's index.json for each step
  await buildImage(layout, tags.busybox, {
    layers: [bb],
    config: { entrypoint: ['/bin/sh', '-c'], cmd: ['echo hello from busybox'], env: ['PATH=/bin', 'GREETING=hello'], workingDir: '/tmp' },
  });
  await buildImage(layout, tags.nonRoot, {
    layers: [bb, { files: { 'home/app': { dir: true, mode: 0o755 } } }],
    config: { cmd: ['/bin/id'], user: '1000:1000', env: ['PATH=/bin', 'HOME=/home/app'], workingDir: '/home/app' },
  });
  await buildImage(layout, tags.whiteout, {
    layers: [bb, { files: { 'data/gone.txt': 'added in layer 1', 'data/keep.txt': 'kept', 'data/gone-dir/inner.txt': 'inside a deleted dir' } }, { whiteouts: ['data/gone.txt', 'data/gone-dir'] }],
    config: { cmd: ['/bin/ls', '/data'] },
  });
  await buildImage(layout, tags.arm64, { layers: [bb], config: { cmd: ['/bin/true'], architecture: 'arm64' } });
  if (opts.go !== false) {
    const server = await buildGoBinary();
    await buildImage(layout, tags.goServer, {
      layers: [{ files: { server: { from: server, mode: 0o755 } } }],
      config: { entrypoint: ['/server'], exposedPorts: ['9000/tcp'], env: ['PATH=/'] },
    });
  }
  return { layout, tags };
}
