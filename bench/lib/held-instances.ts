import { Pool } from 'undici';
import type { BenchService } from './bench-service.ts';
import { createInvokeSigner } from './fc-signer.ts';
import { treePids } from './machine.ts';
import { sleep, until } from './stats.ts';

/**
 * A handler that holds its call until the process gets SIGWINCH, then answers with the wall-clock
 * time it was entered. SIGWINCH because its default action is to do nothing: one that arrives
 * before the handler listens is lost, not fatal. A signal, because a sandboxed instance has a
 * network namespace of its own: it cannot reach a barrier on the host's loopback.
 */
export const HELD_HANDLER = `exports.handler = (event, context, callback) => {
  const enteredAt = Date.now();
  process.once('SIGWINCH', () => callback(null, String(enteredAt)));
};
`;

/**
 * Starts `n` instances at once: `n` concurrent calls to a function with instanceConcurrency 1 whose
 * handler holds, so that none can reuse another's instance. Once all `n` instances have a call in
 * flight, every process of theirs gets SIGWINCH (again, until every call has answered). Resolves
 * with first call sent → the n-th handler entered.
 */
export async function startHeldInstances(svc: BenchService, n: number, tick: (inFlight: number) => void) {
  await svc.deploy('scale', 'held', { 'index.js': HELD_HANDLER }, { instanceConcurrency: 1 });
  const signer = createInvokeSigner(svc.creds, 'scale', 'held');
  const pool = new Pool(svc.url, { connections: n, headersTimeout: 0, bodyTimeout: 0 });
  try {
    const sentAt = Date.now();
    let answered = 0;
    const calls = Array.from({ length: n }, async () => {
      const res = await pool.request({ method: 'POST', path: signer.path, headers: signer.headers(), body: 'x' });
      const body = await res.body.text();
      if (res.statusCode !== 200 || res.headers['x-fc-error-type']) throw new Error(`${res.statusCode} ${body.slice(0, 300)}`);
      answered++;
      return JSON.parse(body) as string;
    });
    const failed = Promise.all(calls).then(() => Promise.reject(new Error('calls ended before all instances were in flight')));
    failed.catch(() => {});
    // 1. every call placed on an instance of its own, each started (Busy: its process listens)
    await Promise.race([
      until(async () => {
        const busy = (await svc.instances('scale', 'held')).filter((i) => i.inFlight === 1 && i.state === 'Busy' && i.pid);
        tick(busy.length);
        return busy.length === n;
      }, `${n} started instances with a call in flight`, 120_000),
      failed,
    ]);
    // 2. release them all; again for handlers that had not listened yet
    const deadline = Date.now() + 60_000;
    while (answered < n) {
      if (Date.now() > deadline) throw new Error(`${n - answered} held calls did not answer to SIGWINCH within 60 s`);
      for (const i of await svc.instances('scale', 'held')) for (const pid of treePids(i.pid)) signal(pid);
      await Promise.race([Promise.all(calls), sleep(100)]);
    }
    const entered = (await Promise.all(calls)).map(Number);
    return { startAllMs: Math.max(...entered) - sentAt };
  } finally {
    await pool.close();
  }
}

function signal(pid: number) {
  try {
    process.kill(pid, 'SIGWINCH');
  } catch {
    /* gone */
  }
}
