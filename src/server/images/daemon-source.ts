// Images from a local Docker or Podman daemon: what `docker build` just made is there, not in a
// registry, so a reference missing from the store is looked for in a daemon that answers before
// the registry is tried. This module finds the daemon and asks it whether it holds the image; the
// copy itself is skopeo's `docker-daemon:` transport (image-store.ts), which calls the daemon's
// `GET /v1.22/images/get?names=REF` (the `docker save` export) and nothing else.
import { request } from 'node:http';
import { join } from 'node:path';
import { stat } from 'node:fs/promises';
import { FcError } from '../errors.ts';

/** A daemon is local or it is not there: a live one answers `/_ping` at once. */
export const DAEMON_PING_TIMEOUT_MS = 1000;
const DAEMON_INSPECT_TIMEOUT_MS = 10_000;

/**
 * Where a daemon's socket may be, in the order Docker's and Podman's clients look: $DOCKER_HOST
 * (only `unix://`; a TCP daemon is someone else's machine), Docker's own socket, the rootless and
 * the rootful Podman service.
 */
export function defaultDaemonSockets(env: NodeJS.ProcessEnv): string[] {
  const sockets: string[] = [];
  if (env.DOCKER_HOST?.startsWith('unix://')) sockets.push(env.DOCKER_HOST.slice('unix://'.length));
  sockets.push('/var/run/docker.sock');
  if (env.XDG_RUNTIME_DIR) sockets.push(join(env.XDG_RUNTIME_DIR, 'podman', 'podman.sock'));
  sockets.push('/run/podman/podman.sock');
  return [...new Set(sockets)];
}

interface DaemonAnswer {
  status: number;
  body: string;
}

/** One GET over the Unix socket; rejects on a connection error or when `timeoutMs` passes. */
function daemonGet(socketPath: string, path: string, timeoutMs: number): Promise<DaemonAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { host: 'docker' }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      // Only the status and a short message are used: a daemon's answer is never kept whole.
      res.on('data', (chunk: string) => (body = (body + chunk).slice(0, 4096)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The first socket whose daemon answers `/_ping`, or null (no socket, refused, no permission, silent). */
export async function findDaemon(sockets: string[], timeoutMs = DAEMON_PING_TIMEOUT_MS): Promise<string | null> {
  for (const socket of sockets) {
    const st = await stat(socket).catch(() => null);
    if (!st?.isSocket()) continue;
    const answer = await daemonGet(socket, '/_ping', timeoutMs).catch(() => null);
    if (answer?.status === 200) return socket;
  }
  return null;
}

/**
 * Whether the daemon holds `name` (`docker image inspect`): 404 is a plain no, so the caller goes
 * on to the registry instead of reading skopeo's error text, which differs between Docker and Podman.
 */
export async function daemonHasImage(socket: string, name: string): Promise<boolean> {
  const answer = await daemonGet(socket, `/images/${name}/json`, DAEMON_INSPECT_TIMEOUT_MS).catch((err: Error) => {
    throw new FcError('InvalidArgument', `the container daemon at ${socket} stopped answering while asked for ${name}: ${err.message}`);
  });
  if (answer.status === 200) return true;
  if (answer.status === 404) return false;
  throw new FcError('InvalidArgument', `the container daemon at ${socket} answered ${answer.status} when asked for ${name}: ${daemonMessage(answer.body)}`);
}

/** Docker and Podman answer errors as `{"message": …}`. */
function daemonMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  } catch {
    // not JSON: the text itself
  }
  return body.trim().slice(0, 200) || 'no message';
}
