import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server on loopback that holds every request until `n` have arrived, then answers them
 * all: handlers that call it stay in flight until N instances run at once.
 */
export async function startBarrier(n: number, onArrival: (count: number) => void) {
  const held: ServerResponse[] = [];
  let full!: (at: number) => void;
  const filled = new Promise<number>((r) => (full = r));
  const server = createServer((req, res) => {
    req.resume();
    held.push(res);
    onArrival(held.length);
    if (held.length === n) {
      full(performance.now());
      for (const r of held.splice(0)) r.end('go');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    /** performance.now() at the moment the n-th request arrived. */
    filled,
    close: () => new Promise<void>((r) => {
      for (const res of held.splice(0)) res.end('closing');
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}

/** Calls the barrier and answers once it lets go. */
export const BARRIER_HANDLER = `const http = require('http');
exports.handler = (event, context, callback) => {
  http.get(process.env.BARRIER_URL, { agent: false }, (res) => {
    res.resume();
    res.on('end', () => callback(null, 'released'));
  }).on('error', callback);
};
`;
