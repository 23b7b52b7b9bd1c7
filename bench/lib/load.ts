import { Worker } from 'node:worker_threads';
import type { ConcurrentResult, FixedResult, LoadJob, SequentialResult, SseResult } from './load-jobs.ts';

type ResultOf<J extends LoadJob> = J['kind'] extends 'sequential' ? SequentialResult : J['kind'] extends 'concurrent' ? ConcurrentResult : J['kind'] extends 'fixed' ? FixedResult : SseResult;

/**
 * The main thread's handle on the load-generating worker thread (load-worker.ts). The worker
 * loads TypeScript through tsx, like the runner itself.
 */
export async function startLoadWorker() {
  const tsx = import.meta.resolve('tsx/esm/api');
  const script = new URL('./load-worker.ts', import.meta.url).href;
  const worker = new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(script)}); })`, { eval: true });
  const pending = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void; onReady?: () => void }>();
  let nextId = 1;
  let failure: Error | null = null;
  worker.on('message', (m: { id?: number; started?: boolean; ready?: boolean; result?: unknown; error?: string }) => {
    const p = m.id !== undefined ? pending.get(m.id) : undefined;
    if (!p) return;
    if (m.ready) return p.onReady?.();
    pending.delete(m.id!);
    if (m.error) p.reject(new Error(`load worker: ${m.error}`));
    else p.resolve(m.result);
  });
  const failAll = (err: Error) => {
    failure = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`load worker exited (${code})`)));
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });

  return {
    /** Runs one job in the worker; `onReady` is called when an SSE subscription is in place. */
    run<J extends LoadJob>(job: J, onReady?: () => void): Promise<ResultOf<J>> {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (r: unknown) => void, reject, onReady });
        worker.postMessage({ id, job });
      });
    },
    async close() {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}
export type LoadWorker = Awaited<ReturnType<typeof startLoadWorker>>;
