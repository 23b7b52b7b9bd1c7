import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// instance-init.sh without a command: the relay and the host-port forwards only.
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'instance-init.sh');

/**
 * The CA relay of a container instance, run by the host's bash and socat in the instance's
 * network namespace only (joined with nsenter, as slirp4netns joins it): the socket it makes is
 * the service's, in the host's file system; the image's file system never sees fnplay's tools.
 */
export function startOutsideRelay(o: { nsenter: string; pid: number; socket: string; port: number; forwards: { port: number; socket: string }[]; onStderr: (c: Buffer) => void }): { stop(): void } {
  const args = ['--target', String(o.pid), '--user', '--net', '--preserve-credentials', '--', '/bin/bash', '--norc', SCRIPT, '--socket', o.socket, '--relay', String(o.port), ...o.forwards.flatMap((f) => ['--forward', `${f.port}:${f.socket}`]), '--'];
  const child: ChildProcess = spawn(o.nsenter, args, { env: { PATH: '/usr/bin:/bin' }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  child.on('error', (err) => o.onStderr(Buffer.from(`fnplay: the relay to this instance could not start: ${err.message}\n`)));
  child.stderr!.on('data', o.onStderr);
  return {
    stop() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
  };
}
