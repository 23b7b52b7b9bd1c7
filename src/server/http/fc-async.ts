import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { isoNow, parseBody } from '../resources/function-ops.ts';
import { checkNoLoop, parseDestination } from '../resources/async-destinations.ts';
import { functionAt, readVersionOf } from '../resources/qualifiers.ts';
import type { AsyncConfigRecord, AsyncEventRow } from '../store/index.ts';
import { ASYNC_STATUSES, asyncConfigBody, type AsyncInvocation, type AsyncStatus } from '../../shared/async-invocation.ts';
import { jsonBody, param, replyJson, requireQualifier, requireService, splitQualifier, type HttpDeps } from './context.ts';
import type { Route } from './fc-resources.ts';

/** The function and qualifier of an async call: any qualifier (FC configures async per function, version and alias). */
function asyncTarget(c: Context, deps: HttpDeps) {
  const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
  requireService(deps, serviceName);
  const q = requireQualifier(deps, serviceName, qualifier || null);
  const fn = functionAt(deps.store, serviceName, readVersionOf(q), param(c, 'function'));
  return { serviceName, qualifier: q.qualifier, functionName: fn.config.functionName, qualified: qualifier !== null && qualifier !== '' };
}

/** FC2-API §5.4: unset fields are null; the reply names the function and qualifier. */
const configView = (c: AsyncConfigRecord) => ({
  service: c.serviceName, function: c.functionName, qualifier: c.qualifier, createdTime: c.createdTime, lastModifiedTime: c.lastModifiedTime,
  maxAsyncEventAgeInSeconds: c.maxAsyncEventAgeInSeconds, maxAsyncRetryAttempts: c.maxAsyncRetryAttempts,
  destinationConfig: c.destinationConfig, statefulInvocation: c.statefulInvocation,
});

/** FC's StatefulAsyncInvocation object (FC2-API §5.6). */
export function invocationView(e: AsyncEventRow, includePayload: boolean): AsyncInvocation & { instanceId: string | null; destinationStatus: string | null } {
  const lastAttempt = [...e.history].reverse().find((h) => h.status !== 'Enqueued' && h.eventDetail.includes('instanceId'));
  const instanceId = lastAttempt ? ((JSON.parse(lastAttempt.eventDetail) as { instanceId?: string }).instanceId ?? null) : null;
  return {
    invocationId: e.invocationId, requestId: e.requestId, serviceName: e.serviceName, functionName: e.functionName, qualifier: e.qualifier,
    status: e.status, startedTime: e.enqueuedAt, endTime: e.endedAt, durationMs: e.endedAt !== null ? e.endedAt - e.enqueuedAt : null,
    alreadyRetriedTimes: Math.max(0, e.attempts - 1), ...(includePayload ? { invocationPayload: e.payload.toString('utf8') } : {}),
    returnPayload: e.result ? e.result.toString('utf8') : null, invocationErrorMessage: e.error, events: e.history,
    origin: e.origin, stateful: e.stateful, instanceId, destinationStatus: e.endedAt !== null ? e.status : null,
  };
}

function requireInvocation(deps: HttpDeps, serviceName: string, functionName: string, id: string): AsyncEventRow {
  const e = deps.store.asyncEvents.byInvocation(serviceName, functionName, id);
  if (!e) throw new FcError('InvocationNotFound', `async invocation '${id}' of function '${functionName}' in service '${serviceName}' does not exist`);
  return e;
}

/** A query parameter that is a whole number of milliseconds (FC's startedTimeBegin/End). */
function msQuery(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw new FcError('InvalidArgument', `${name} must be a time in milliseconds since the epoch, got '${raw.slice(0, 40)}'`);
  return Number(raw);
}

/** Async invoke configs and stateful async invocations of the FC 2.0 API (FC2-API §5.4, §5.6). */
export const asyncRoutes: Route[] = [
  {
    method: 'PUT', path: '/services/:service/functions/:function/async-invoke-config',
    handler: async (c, deps) => {
      const t = asyncTarget(c, deps);
      const body = parseBody(asyncConfigBody, await jsonBody(c));
      const dc = body.destinationConfig ?? null;
      for (const [key, d] of [['onSuccess', dc?.onSuccess], ['onFailure', dc?.onFailure]] as const) {
        if (!d) continue;
        const field = `destinationConfig.${key}.destination`;
        const dest = parseDestination(deps.store, deps.region, deps.accountId, d.destination, field);
        checkNoLoop(deps.store, deps.region, deps.accountId, t, dest, field);
      }
      const prev = deps.store.asyncEvents.getConfig(t.serviceName, t.qualifier, t.functionName);
      const now = isoNow();
      const cfg: AsyncConfigRecord = {
        serviceName: t.serviceName, qualifier: t.qualifier, functionName: t.functionName,
        maxAsyncEventAgeInSeconds: body.maxAsyncEventAgeInSeconds ?? null, maxAsyncRetryAttempts: body.maxAsyncRetryAttempts ?? null,
        destinationConfig: dc ? { onSuccess: dc.onSuccess ?? null, onFailure: dc.onFailure ?? null } : null, statefulInvocation: body.statefulInvocation ?? null,
        createdTime: prev?.createdTime ?? now, lastModifiedTime: now,
      };
      deps.store.asyncEvents.putConfig(cfg);
      return replyJson(c, configView(cfg));
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/async-invoke-config',
    handler: (c, deps) => {
      const t = asyncTarget(c, deps);
      const cfg = deps.store.asyncEvents.getConfig(t.serviceName, t.qualifier, t.functionName);
      if (!cfg) throw new FcError('AsyncConfigNotExists', `function '${t.functionName}' of service '${t.serviceName}' has no async invoke config for qualifier ${t.qualifier}`);
      return replyJson(c, configView(cfg));
    },
  },
  {
    method: 'DELETE', path: '/services/:service/functions/:function/async-invoke-config',
    handler: (c, deps) => {
      const t = asyncTarget(c, deps);
      if (!deps.store.asyncEvents.getConfig(t.serviceName, t.qualifier, t.functionName)) {
        throw new FcError('AsyncConfigNotExists', `function '${t.functionName}' of service '${t.serviceName}' has no async invoke config for qualifier ${t.qualifier}`);
      }
      deps.store.asyncEvents.deleteConfig(t.serviceName, t.qualifier, t.functionName);
      return c.body(null, 204);
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/async-invoke-configs',
    handler: (c, deps) => {
      const t = asyncTarget(c, deps);
      const limit = Math.min(Math.max(parseInt(c.req.query('limit') ?? '20', 10) || 20, 1), 100);
      const start = c.req.query('nextToken') ? Buffer.from(c.req.query('nextToken')!, 'base64url').toString('utf8') : '';
      const all = deps.store.asyncEvents.listConfigs(t.serviceName, t.functionName).filter((x) => x.qualifier >= start);
      const page = all.slice(0, limit);
      const next = all[limit];
      return replyJson(c, { configs: page.map(configView), ...(next ? { nextToken: Buffer.from(next.qualifier).toString('base64url') } : {}) });
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/stateful-async-invocations',
    handler: (c, deps) => {
      const t = asyncTarget(c, deps);
      const q = c.req.query();
      if (q.status && !(ASYNC_STATUSES as readonly string[]).includes(q.status)) throw new FcError('InvalidArgument', `status must be one of ${ASYNC_STATUSES.join(', ')}, got '${q.status.slice(0, 40)}'`);
      const order = (q.sortOrderByTime ?? 'desc').toLowerCase();
      if (order !== 'asc' && order !== 'desc') throw new FcError('InvalidArgument', `sortOrderByTime must be asc or desc, got '${q.sortOrderByTime.slice(0, 40)}'`);
      const limit = Math.min(Math.max(parseInt(q.limit ?? '20', 10) || 20, 1), 100);
      if (q.nextToken !== undefined && !/^\d{1,15}$/.test(q.nextToken)) throw new FcError('InvalidArgument', 'nextToken is not one this list gave');
      const rows = deps.store.asyncEvents.list({
        serviceName: t.serviceName, functionName: t.functionName, qualifier: t.qualified ? t.qualifier : undefined, status: q.status as AsyncStatus | undefined,
        startedFrom: msQuery(q.startedTimeBegin, 'startedTimeBegin'), startedTo: msQuery(q.startedTimeEnd, 'startedTimeEnd'),
        invocationIdPrefix: q.invocationIdPrefix, statefulOnly: q.includeAll !== 'true', order, after: q.nextToken !== undefined ? Number(q.nextToken) : undefined, limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const includePayload = q.includePayload === 'true';
      return replyJson(c, { invocations: page.map((e) => invocationView(e, includePayload)), ...(rows.length > limit ? { nextToken: String(page[page.length - 1].seq) } : {}) });
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/stateful-async-invocations/:id',
    handler: (c, deps) => {
      const t = asyncTarget(c, deps);
      return replyJson(c, invocationView(requireInvocation(deps, t.serviceName, t.functionName, param(c, 'id')), true));
    },
  },
  {
    method: 'PUT', path: '/services/:service/functions/:function/stateful-async-invocations/:id',
    handler: (c, deps) => {
      const t = asyncTarget(c, deps);
      deps.asyncQueue.stop(requireInvocation(deps, t.serviceName, t.functionName, param(c, 'id')));
      return replyJson(c, {});
    },
  },
];
