import { FcError } from '../errors.ts';
import { newRequestId } from '../request-id.ts';
import type { LiveHub } from '../logs/index.ts';
import type { FunctionRevision } from '../scheduler/index.ts';
import type { AsyncEventRepo, AsyncEventRow } from '../store/index.ts';
import { FINAL_ASYNC_STATUSES, type AsyncStatus } from '../../shared/async-invocation.ts';
import type { Invoker } from './invoke.ts';

/** What one async event runs, resolved when it runs (an alias may have moved since it was accepted). */
export type ResolveTarget = (serviceName: string, qualifier: string, functionName: string) => { rev: FunctionRevision; maxInstances: number | null };

/** The async config in force for a function and qualifier, FC's defaults filled in. */
export interface EffectiveAsyncConfig {
  maxAsyncEventAgeInSeconds: number;
  maxAsyncRetryAttempts: number;
  onSuccess: string | null;
  onFailure: string | null;
}

/** Where a destination sends its record: another function of this account, asynchronously. */
export type SendToDestination = (arn: string, record: object, cause: AsyncEventRow) => void;

export interface AsyncQueueDeps {
  events: AsyncEventRepo;
  invoker: Invoker;
  hub: LiveHub;
  resolve: ResolveTarget;
  configOf: (serviceName: string, qualifier: string, functionName: string) => EffectiveAsyncConfig;
  toDestination: SendToDestination;
  functionArn: (serviceName: string, qualifier: string, functionName: string) => string;
  /** Events a function may have waiting (SPEC §3: 100,000); past it an accept answers 429. */
  maxQueuedPerFunction: number;
  /** The first retry waits this long, each next one twice as long (capped at 5 min). */
  retryBaseMs: number;
  /** How many of a lane's events may run at once at most; the scheduler's limits (instances, concurrency) throttle below it. */
  laneConcurrency?: number;
  /** The function's own limit for a lane (maximumInstanceCount × instanceConcurrency), so the queue does not run into throttling it can foresee. */
  limitOf?: (serviceName: string, qualifier: string, functionName: string) => number;
  now?: () => number;
}

/** FC retries a throttled event after 0.5 s, then 1 s, 2 s, 4 s … (its retry-policy page); fnplay caps the wait at 30 s. */
const THROTTLE_FIRST_MS = 500;
const THROTTLE_MAX_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;
/** What a record keeps of a function's answer (FC keeps up to 1 MB of returnPayload). */
const MAX_RESULT_BYTES = 1024 * 1024;

type Entry = { seq: number; nextAt: number };
type Lane = { key: string; serviceName: string; qualifier: string; functionName: string; waiting: Entry[]; running: number; pausedUntil: number; throttledFor: number };

/**
 * The durable async queue (SPEC §3): accepted events are committed to SQLite before the 202; per
 * function and qualifier they run in arrival order within the function's limits; throttling leaves
 * an event queued, a function error or timeout is retried with backoff up to maxAsyncRetryAttempts,
 * an event older than maxAsyncEventAgeInSeconds expires; the final outcome goes to a destination.
 * Only the order (seq, next time) is held in memory; the payload is read when the event runs.
 */
export function createAsyncQueue(deps: AsyncQueueDeps) {
  const now = deps.now ?? Date.now;
  const laneConcurrency = deps.laneConcurrency ?? 32;
  const lanes = new Map<string, Lane>();
  const queuedByFunction = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  let pumpScheduled = false;
  let wakeTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const fnKey = (s: string, f: string) => `${s}/${f}`;
  function laneOf(serviceName: string, qualifier: string, functionName: string): Lane {
    const key = `${serviceName}#${qualifier}#${functionName}`;
    let lane = lanes.get(key);
    if (!lane) lanes.set(key, (lane = { key, serviceName, qualifier, functionName, waiting: [], running: 0, pausedUntil: 0, throttledFor: 0 }));
    return lane;
  }
  const countQueued = (s: string, f: string, d: number) => queuedByFunction.set(fnKey(s, f), Math.max(0, (queuedByFunction.get(fnKey(s, f)) ?? 0) + d));

  /** Puts an entry back in arrival order (a retry keeps its place; it just waits for its time). */
  function insert(lane: Lane, e: Entry) {
    let i = lane.waiting.length;
    while (i > 0 && lane.waiting[i - 1].seq > e.seq) i--;
    lane.waiting.splice(i, 0, e);
  }

  function publish(e: AsyncEventRow) {
    deps.hub.publish({ type: 'async', serviceName: e.serviceName, functionName: e.functionName, qualifier: e.qualifier, requestId: e.requestId, invocationId: e.invocationId, status: e.status, attempts: e.attempts });
  }

  function event(e: AsyncEventRow, status: AsyncStatus, detail: object) {
    e.status = status;
    e.history.push({ eventId: e.history.length + 1, status, timestamp: now(), eventDetail: JSON.stringify(detail) });
  }

  function schedulePump(atMs = 0) {
    if (closed) return;
    if (atMs <= now()) {
      if (pumpScheduled) return;
      pumpScheduled = true;
      setImmediate(() => {
        pumpScheduled = false;
        pump();
      });
      return;
    }
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeTimer = setTimeout(() => {
      wakeTimer = null;
      pump();
    }, Math.min(atMs - now(), 60_000));
    wakeTimer.unref();
  }

  /** Starts what may run now in each lane, in arrival order; sets a timer for the earliest waiting one. */
  function pump() {
    if (closed) return;
    const t = now();
    let next = Infinity;
    for (const lane of lanes.values()) {
      if (lane.pausedUntil > t) {
        next = Math.min(next, lane.pausedUntil);
        continue;
      }
      const limit = Math.min(laneConcurrency, deps.limitOf?.(lane.serviceName, lane.qualifier, lane.functionName) ?? Infinity);
      for (let i = 0; i < lane.waiting.length && lane.running < limit; ) {
        const e = lane.waiting[i];
        if (e.nextAt > t) {
          next = Math.min(next, e.nextAt);
          i++;
          continue;
        }
        lane.waiting.splice(i, 1);
        lane.running++;
        const p = attempt(lane, e.seq).finally(() => {
          lane.running--;
          inFlight.delete(p);
          schedulePump();
        });
        inFlight.add(p);
      }
      if (lane.waiting.length === 0 && lane.running === 0) lanes.delete(lane.key);
    }
    if (next !== Infinity) schedulePump(next);
  }

  /** One attempt of one event: each state change is committed before the next step. */
  async function attempt(lane: Lane, seq: number) {
    const e = deps.events.get(seq);
    if (!e || FINAL_ASYNC_STATUSES.includes(e.status)) return;
    if (e.status === 'Stopping') return finish(e, 'Stopped', { reason: 'stopped by StopStatefulAsyncInvocation' });
    const cfg = deps.configOf(e.serviceName, e.qualifier, e.functionName);
    // 1. too old: dropped with its reason (FC's maxAsyncEventAgeInSeconds)
    if (now() - e.enqueuedAt > cfg.maxAsyncEventAgeInSeconds * 1000) {
      e.error = `the event is older than maxAsyncEventAgeInSeconds (${cfg.maxAsyncEventAgeInSeconds} s) and was dropped`;
      return finish(e, 'Expired', { reason: e.error }, { condition: 'EventAgeExceeded', destination: cfg.onFailure });
    }
    // 2. what it runs now; a function or qualifier that is gone makes the event Invalid (FC's status for it)
    let target;
    try {
      target = deps.resolve(e.serviceName, e.qualifier, e.functionName);
    } catch (err) {
      e.error = (err as Error).message;
      return finish(e, 'Invalid', { Error: err instanceof FcError ? err.code : 'Invalid', reason: e.error }, { condition: 'Invalid', destination: cfg.onFailure });
    }
    // 3. the attempt, recorded as Running first (a crash from here on counts it as a failed attempt)
    const requestId = e.attempts === 0 ? e.requestId : newRequestId();
    const retryCount = e.attempts;
    const prevStatus = e.status;
    e.attempts++;
    e.startedAt ??= now();
    event(e, 'Running', { requestId, attempt: e.attempts });
    deps.events.save(e);
    publish(e);
    let outcome: { ok: boolean; status: string; body: Buffer; instanceId: string | null; error: string | null };
    try {
      const r = await deps.invoker.invoke(target.rev, { type: e.origin === 'timer' ? 'timer' : 'async', requestId, payload: e.payload, logTail: false, tracing: e.headers, retryCount }, target.maxInstances);
      const ok = r.record.status === 'succeeded';
      outcome = { ok, status: r.record.status, body: r.body, instanceId: r.record.instanceId, error: ok ? null : r.body.toString('utf8').slice(0, 4096) };
    } catch (err) {
      if (err instanceof FcError && err.code === 'ResourceExhausted') {
        // 4a. throttled: not an attempt; the event keeps its place and the lane waits a moment
        e.attempts--;
        e.history.pop();
        e.status = prevStatus;
        deps.events.save(e);
        lane.throttledFor = Math.min(lane.throttledFor ? lane.throttledFor * 2 : THROTTLE_FIRST_MS, THROTTLE_MAX_MS);
        lane.pausedUntil = now() + lane.throttledFor;
        insert(lane, { seq: e.seq, nextAt: 0 });
        return;
      }
      outcome = { ok: false, status: 'failed', body: Buffer.alloc(0), instanceId: null, error: err instanceof FcError ? `${err.code}: ${err.message}` : String(err) };
    }
    lane.throttledFor = 0;
    afterAttempt(lane, e.seq, requestId, outcome, cfg);
  }

  function afterAttempt(lane: Lane, seq: number, requestId: string, o: { ok: boolean; status: string; body: Buffer; instanceId: string | null; error: string | null }, cfg: EffectiveAsyncConfig) {
    // Read again: a stop may have come while it ran.
    const e = deps.events.get(seq)!;
    const detail = { requestId, attempt: e.attempts, instanceId: o.instanceId, outcome: o.status, ...(o.error ? { error: o.error } : {}) };
    if (o.ok) {
      e.result = o.body.subarray(0, MAX_RESULT_BYTES);
      e.error = null;
      return finish(e, 'Succeeded', detail, { condition: '', destination: cfg.onSuccess, response: o.body });
    }
    e.error = o.error;
    if (e.status === 'Stopping') return finish(e, 'Stopped', { ...detail, reason: 'stopped by StopStatefulAsyncInvocation' });
    if (e.attempts <= cfg.maxAsyncRetryAttempts) {
      // 4b. retried later, with exponential backoff
      const wait = Math.min(deps.retryBaseMs * 2 ** (e.attempts - 1), MAX_BACKOFF_MS);
      e.nextAt = now() + wait;
      event(e, 'Retrying', { ...detail, nextAttemptAt: e.nextAt });
      deps.events.save(e);
      publish(e);
      insert(lane, { seq: e.seq, nextAt: e.nextAt });
      return;
    }
    finish(e, 'Failed', detail, { condition: 'RetriesExhausted', destination: cfg.onFailure, response: o.body });
  }

  /** The final state, committed; then the destination (if any) gets FC's record, asynchronously. */
  function finish(e: AsyncEventRow, status: AsyncStatus, detail: object, dest?: { condition: string; destination: string | null; response?: Buffer }) {
    e.endedAt = now();
    event(e, status, detail);
    deps.events.save(e);
    countQueued(e.serviceName, e.functionName, -1);
    publish(e);
    if (dest?.destination) {
      const failed = status !== 'Succeeded';
      deps.toDestination(dest.destination, {
        timestamp: e.endedAt,
        requestContext: { requestId: e.requestId, functionArn: deps.functionArn(e.serviceName, e.qualifier, e.functionName), condition: dest.condition, approximateInvokeCount: e.attempts },
        requestPayload: e.payload.toString('utf8'),
        responseContext: { statusCode: 200, functionError: failed ? (e.error ?? status) : '' },
        responsePayload: (dest.response ?? Buffer.alloc(0)).toString('utf8'),
      }, e);
    }
  }

  return {
    /**
     * Commits an accepted event and queues it. Throws 429 past the queue cap; answers null when the
     * invocation id is taken (the caller refuses the duplicate).
     */
    accept(a: { requestId: string; invocationId: string; serviceName: string; qualifier: string; functionName: string; payload: Buffer; headers: Record<string, string>; stateful: boolean; origin: AsyncEventRow['origin'] }): number | null {
      const queued = queuedByFunction.get(fnKey(a.serviceName, a.functionName)) ?? 0;
      if (queued >= deps.maxQueuedPerFunction) {
        throw new FcError('ResourceExhausted', `function '${a.functionName}' has ${queued} async events waiting, the most its queue holds (${deps.maxQueuedPerFunction}): try again once it drains`);
      }
      const t = now();
      const seq = deps.events.enqueue({ ...a, nextAt: t, enqueuedAt: t, history: [{ eventId: 1, status: 'Enqueued', timestamp: t, eventDetail: JSON.stringify({ requestId: a.requestId }) }] });
      if (seq === null) return null;
      countQueued(a.serviceName, a.functionName, 1);
      insert(laneOf(a.serviceName, a.qualifier, a.functionName), { seq, nextAt: t });
      schedulePump();
      return seq;
    },

    /**
     * After a restart: every event not final is queued again. One that was Running when the service
     * died counts as an attempt that failed by timeout, as FC counts an instance lost mid-run.
     */
    recover() {
      for (const o of deps.events.open()) {
        countQueued(o.serviceName, o.functionName, 1);
        const lane = laneOf(o.serviceName, o.qualifier, o.functionName);
        if (o.status !== 'Running') {
          insert(lane, { seq: o.seq, nextAt: o.nextAt });
          continue;
        }
        const e = deps.events.get(o.seq)!;
        const cfg = deps.configOf(e.serviceName, e.qualifier, e.functionName);
        const last = [...e.history].reverse().find((h) => h.status === 'Running');
        const requestId = last ? (JSON.parse(last.eventDetail) as { requestId: string }).requestId : e.requestId;
        afterAttempt(lane, e.seq, requestId, { ok: false, status: 'timeout', body: Buffer.alloc(0), instanceId: null, error: 'the service stopped while the event ran: counted as an attempt that timed out' }, cfg);
      }
      schedulePump();
    },

    /** StopStatefulAsyncInvocation: a waiting event stops now, a running one after its attempt. */
    stop(e: AsyncEventRow): AsyncEventRow {
      if (FINAL_ASYNC_STATUSES.includes(e.status)) throw new FcError('AsyncInvocationStopped', `async invocation '${e.invocationId}' has ended already (${e.status}): nothing to stop`);
      if (e.status === 'Running') {
        event(e, 'Stopping', { reason: 'StopStatefulAsyncInvocation' });
        deps.events.save(e);
        publish(e);
        return e;
      }
      const lane = lanes.get(`${e.serviceName}#${e.qualifier}#${e.functionName}`);
      if (lane) lane.waiting = lane.waiting.filter((w) => w.seq !== e.seq);
      finish(e, 'Stopped', { reason: 'stopped by StopStatefulAsyncInvocation' });
      return e;
    },

    /** Events waiting or running for a function (every qualifier). */
    queued: (serviceName: string, functionName: string) => queuedByFunction.get(fnKey(serviceName, functionName)) ?? 0,

    /** Stops taking events off the queue; waits for the attempts under way (they are recorded). */
    async close() {
      closed = true;
      if (wakeTimer) clearTimeout(wakeTimer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
export type AsyncQueue = ReturnType<typeof createAsyncQueue>;
