import type { Hono } from 'hono';
import type { TimerList } from '../../shared/trigger-config.ts';
import { param, requireFunction, requireService, type HttpDeps } from './context.ts';

/** The playground's view of a function's timer triggers: each with its next firing time. */
export function registerTimerRoutes(api: Hono, deps: HttpDeps) {
  api.get('/functions/:service/:function/timers', (c) => {
    const fn = requireFunction(deps, requireService(deps, param(c, 'service')).serviceName, param(c, 'function'));
    const list: TimerList = { timers: deps.timers.list(deps.store, fn.serviceName, fn.config.functionName) };
    return c.json(list);
  });
}
