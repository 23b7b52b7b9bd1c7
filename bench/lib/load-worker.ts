// Runs in a worker thread: the load generator has its own event loop, so its HTTP parsing does
// not queue behind the in-process service (and the service's does not delay its clock readings).
import { randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { Client, Pool, request, type Dispatcher } from 'undici';
import { createInvokeSigner } from './fc-signer.ts';
import { LOG_LINE_RE, type ConcurrentResult, type FixedResult, type HttpTarget, type LoadJob, type SequentialResult, type SseResult } from './load-jobs.ts';

const now = () => performance.timeOrigin + performance.now();

function requester(target: HttpTarget, dispatcher: Dispatcher, onRequestId?: (id: string) => void) {
  const signer = target.sign ? createInvokeSigner(target.sign.creds, target.sign.service, target.sign.fn, target.sign.headers) : null;
  const expected = target.expectStatus ?? 200;
  const body = Buffer.from(target.body);
  const path = signer?.path ?? target.path;
  /** One call; resolves to an error text, or null when the function answered successfully. */
  return async (): Promise<string | null> => {
    const headers: Record<string, string> = { ...target.headers, ...(signer?.headers() ?? {}) };
    if (target.uniqueRequestId) headers['x-fc-request-id'] = randomUUID();
    const res = await dispatcher.request({ method: 'POST', path, headers, body });
    const text = await res.body.text();
    const fcStatus = res.headers['x-fc-status'];
    if (res.statusCode !== expected || res.headers['x-fc-error-type'] || (fcStatus !== undefined && fcStatus !== '200')) {
      return `${res.statusCode} ${text.slice(0, 300)}`;
    }
    onRequestId?.(String(res.headers['x-fc-request-id']));
    return null;
  };
}

async function sequential(job: Extract<LoadJob, { kind: 'sequential' }>): Promise<SequentialResult> {
  const client = new Client(job.target.origin, { socketPath: job.target.socketPath, pipelining: 1, keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 });
  const call = requester(job.target, client);
  const latenciesUs = new Float64Array(job.count);
  let errors = 0;
  let firstError: string | null = null;
  try {
    for (let i = 0; i < job.warmup; i++) await call();
    for (let i = 0; i < job.count; i++) {
      const t0 = performance.now();
      const err = await call();
      latenciesUs[i] = (performance.now() - t0) * 1000;
      if (err) {
        errors++;
        firstError ??= err;
      }
    }
  } finally {
    await client.close();
  }
  return { latenciesUs, errors, firstError };
}

async function concurrent(job: Extract<LoadJob, { kind: 'concurrent' }>): Promise<ConcurrentResult> {
  const pool = new Pool(job.target.origin, { socketPath: job.target.socketPath, connections: job.callers, pipelining: 1, keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 });
  const call = requester(job.target, pool);
  const samples: number[] = [];
  let calls = 0;
  let errors = 0;
  let firstError: string | null = null;
  let measuring = false;
  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const end = measureFrom + job.durationMs;
  const caller = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      if (!measuring && t0 >= measureFrom) measuring = true;
      const counted = t0 >= measureFrom;
      let err: string | null;
      try {
        err = await call();
      } catch (e) {
        err = (e as Error).message;
      }
      const t1 = performance.now();
      if (!counted || t1 > end) continue; // calls straddling the window's edges are not counted
      calls++;
      if (samples.length < 200_000) samples.push((t1 - t0) * 1000);
      if (err) {
        errors++;
        firstError ??= err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: job.callers }, caller));
  } finally {
    await pool.close();
  }
  return { calls, errors, seconds: job.durationMs / 1000, latenciesUs: Float64Array.from(samples), firstError };
}

async function fixed(job: Extract<LoadJob, { kind: 'fixed' }>): Promise<FixedResult> {
  const pool = new Pool(job.target.origin, { socketPath: job.target.socketPath, connections: job.callers, pipelining: 1, keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000 });
  const requestIds: string[] = [];
  const call = requester(job.target, pool, (id) => requestIds.push(id));
  const latenciesUs = new Float64Array(job.count);
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;
  const firstSentAt = now();
  const start = performance.now();
  const caller = async () => {
    while (next < job.count) {
      const i = next++;
      const t0 = performance.now();
      let err: string | null;
      try {
        err = await call();
      } catch (e) {
        err = (e as Error).message;
      }
      latenciesUs[i] = (performance.now() - t0) * 1000;
      if (err) {
        errors++;
        firstError ??= err;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: job.callers }, caller));
  } finally {
    await pool.close();
  }
  const seconds = (performance.now() - start) / 1000;
  return { calls: job.count, errors, seconds, latenciesUs, firstError, requestIds, firstSentAt, lastAnsweredAt: firstSentAt + seconds * 1000 };
}

async function sse(job: Extract<LoadJob, { kind: 'sse' }>, ready: () => void): Promise<SseResult> {
  const seen = new Uint8Array(job.expect);
  const delays: number[] = [];
  let received = 0;
  let duplicates = 0;
  let firstAt = 0;
  let lastAt = 0;
  let firstPrintedAt = Infinity;
  const ac = new AbortController();
  const res = await request(job.url, { headers: { 'x-fnplay-token': job.token, accept: 'text/event-stream' }, signal: ac.signal });
  let idle: NodeJS.Timeout | null = null;
  const armIdle = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => ac.abort(), job.idleTimeoutMs);
  };
  armIdle();
  let buffer = '';
  let announced = false;
  try {
    for await (const chunk of res.body) {
      const at = now();
      buffer += chunk.toString();
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        if (!announced && event.includes('event: ready')) {
          announced = true;
          ready();
          continue;
        }
        if (!event.startsWith('event: log')) continue;
        const m = LOG_LINE_RE.exec(event);
        if (!m) continue;
        const i = Number(m[1]);
        const printed = Number(m[2]);
        if (seen[i]) {
          duplicates++;
          continue;
        }
        seen[i] = 1;
        received++;
        delays.push(at - printed);
        if (printed < firstPrintedAt) firstPrintedAt = printed;
        firstAt ||= at;
        lastAt = at;
      }
      armIdle();
      if (received >= job.expect) break;
    }
  } catch (err) {
    if (!ac.signal.aborted) throw err;
  } finally {
    if (idle) clearTimeout(idle);
    ac.abort();
  }
  return { received, duplicates, delaysMs: Float64Array.from(delays), firstAt, lastAt, firstPrintedAt };
}

parentPort!.on('message', async (msg: { id: number; job: LoadJob }) => {
  const { id, job } = msg;
  try {
    const result =
      job.kind === 'sequential' ? await sequential(job)
      : job.kind === 'concurrent' ? await concurrent(job)
      : job.kind === 'fixed' ? await fixed(job)
      : await sse(job, () => parentPort!.postMessage({ id, ready: true }));
    parentPort!.postMessage({ id, result });
  } catch (err) {
    parentPort!.postMessage({ id, error: (err as Error).stack ?? String(err) });
  }
});
parentPort!.postMessage({ started: true });
