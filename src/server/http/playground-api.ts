import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { FcError } from '../errors.ts';
import type { LiveEvent } from '../../shared/observe.ts';
import type { ServiceInfo } from '../../shared/sandbox-status.ts';
import { param, requireFunction, requireService, type HttpDeps } from './context.ts';
import { functionView } from './views.ts';
import { registerDeployRoutes } from './playground-deploy.ts';
import { registerImageRoutes } from './playground-images.ts';
import { registerTimerRoutes } from './playground-timers.ts';

// The store answers at most this many log lines at once.
const MAX_LOG_LINES = 10_000;

/**
 * A query parameter that must be a whole number in [min, max]; undefined when absent. Digits
 * only: Number() would let '', '1e3', '0x10' and ' 7' through, and NaN would reach the SQL.
 */
function integerQuery(raw: string | undefined, name: string, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) {
    throw new FcError('InvalidArgument', `${name} must be a whole number from ${min} to ${max}, got '${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}'`);
  }
  return n;
}

/**
 * What the browser needs beyond the FC API: invocation records, log history, instances, and one
 * SSE stream of live events. The token check in front of it lives in app.ts.
 */
const MAX_QUEUED_EVENTS = 20_000;

export function playgroundApi(deps: HttpDeps) {
  const api = new Hono();

  registerDeployRoutes(api, deps);
  registerImageRoutes(api, deps);
  registerTimerRoutes(api, deps);

  const info = (): ServiceInfo => ({ accountId: deps.accountId, region: deps.region, accessKeyId: deps.keys.accessKeyId, maxInstances: deps.maxInstances, sandbox: deps.sandbox });
  api.get('/', (c) => c.json(info()));
  api.get('/info', (c) => c.json(info()));

  // null, not 404, for a function not deployed yet: the page asks before the first deploy, and a 404
  // would be a console error in the browser for a normal state.
  api.get('/functions/:service/:function', (c) => {
    const fn = deps.store.resources.getFunction(param(c, 'service'), param(c, 'function'));
    return c.json(fn ? functionView(fn) : null);
  });

  api.get('/functions/:service/:function/invocations', (c) => {
    const limit = integerQuery(c.req.query('limit'), 'limit', 1, 1000) ?? 100;
    return c.json({ invocations: deps.store.records.listInvocations(param(c, 'service'), param(c, 'function'), limit) });
  });

  api.get('/invocations/:requestId', (c) => {
    const rec = deps.store.records.getInvocation(param(c, 'requestId'));
    if (!rec) throw new FcError('InvocationNotFound', `invocation '${param(c, 'requestId')}' does not exist`);
    return c.json(rec);
  });

  api.get('/logs', (c) => {
    const q = c.req.query();
    const lines = deps.store.records.queryLogs({
      serviceName: q.service, functionName: q.function, requestId: q.requestId, instanceId: q.instanceId,
      afterId: integerQuery(q.afterId, 'afterId', 0, Number.MAX_SAFE_INTEGER), limit: integerQuery(q.limit, 'limit', 1, MAX_LOG_LINES),
    });
    return c.json({ lines });
  });

  api.get('/functions/:service/:function/instances', (c) => {
    const list = deps.scheduler.instancesOf(param(c, 'service'), param(c, 'function')).map((i) => i.info());
    return c.json({ instances: list });
  });

  api.post('/functions/:service/:function/reclaim', async (c) => {
    const fn = requireFunction(deps, requireService(deps, param(c, 'service')).serviceName, param(c, 'function'));
    await deps.scheduler.reclaim(fn.serviceName, fn.config.functionName);
    return c.json({ ok: true });
  });

  api.get('/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: LiveEvent[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = deps.hub.subscribe((e) => {
        // A client that stopped reading must not hold the service's memory: past the cap the oldest
        // events go (the page keeps 2,000 log lines; the store keeps everything it can fetch again).
        if (queue.length >= MAX_QUEUED_EVENTS) queue.shift();
        queue.push(e);
        wake?.();
      });
      let open = true;
      stream.onAbort(() => {
        open = false;
        wake?.();
      });
      await stream.writeSSE({ event: 'ready', data: '{}' });
      try {
        while (open) {
          if (queue.length === 0) await new Promise<void>((r) => (wake = r));
          wake = null;
          // Everything queued in one write: a write per event doubled the service's cost per log line.
          // JSON.stringify leaves no newline in `data`, so each event is one SSE record.
          await stream.write(queue.splice(0).map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(''));
        }
      } finally {
        unsubscribe();
      }
    }),
  );

  return api;
}
