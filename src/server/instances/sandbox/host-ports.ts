import { mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

/** Where the forwarders' sockets are shown inside every sandbox (instance-init.sh connects there). */
export const HOST_PORTS_IN_SANDBOX = '/run/fnplay-host';

/**
 * The host loopback ports the user named (`fnplay --host-port 5432,6379`: a local database during
 * development), each served to instances as a Unix socket in `dir`; instance-init.sh listens on
 * 127.0.0.1:P inside the sandbox and connects here. No other host port, the service's own least
 * of all, is reachable from an instance.
 */
export async function startHostPortForwarders(dir: string, ports: number[]) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const servers: Server[] = [];
  for (const port of ports) {
    const server = createServer((inside) => {
      const host = connect({ host: '127.0.0.1', port });
      inside.pipe(host).pipe(inside);
      const end = () => {
        inside.destroy();
        host.destroy();
      };
      inside.on('error', end);
      host.on('error', end);
      inside.on('close', end);
      host.on('close', end);
    });
    // Every connection costs the service two descriptors: functions share a bounded number.
    server.maxConnections = 512;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(join(dir, `${port}.sock`), () => resolve());
    });
    servers.push(server);
  }
  return {
    dir,
    ports,
    close: () => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined),
  };
}
export type HostPortForwarders = Awaited<ReturnType<typeof startHostPortForwarders>>;
