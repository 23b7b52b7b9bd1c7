import { connect, createServer } from 'node:net';
import type { CaAddress } from './sandbox/index.ts';

/** A free TCP port on loopback, found by letting the kernel pick one. */
export function allocatePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves true once something accepts connections at the address (polled), false if the process died or the deadline passed. */
export function waitForListen(address: CaAddress, isDead: () => boolean, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    const started = Date.now();
    let delay = 2;
    const attempt = () => {
      if (isDead() || Date.now() > deadline) return resolve(false);
      const sock = 'socketPath' in address ? connect({ path: address.socketPath }) : connect({ port: address.port, host: '127.0.0.1' });
      sock.once('connect', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => {
        sock.destroy();
        // Most servers listen within ~100 ms: polling every 2 ms there keeps the cold start within
        // 2 ms of the real moment (a refused connect on loopback costs microseconds); slower ones back off.
        if (Date.now() - started > 1000) delay = Math.min(delay * 2, 20);
        setTimeout(attempt, delay);
      });
    };
    attempt();
  });
}
