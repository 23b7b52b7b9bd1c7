import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { checkIfMatch, isoNow, newEtag, parseBody } from '../resources/function-ops.ts';
import { parseTimerSchedule } from '../resources/timer-schedule.ts';
import type { TriggerRecord } from '../store/index.ts';
import { createTriggerBody, updateTriggerBody, updateTriggerConfig } from '../../shared/trigger-config.ts';
import { jsonBody, param, replyJson, requireFunction, requireQualifier, requireService, type HttpDeps } from './context.ts';
import type { Route } from './fc-resources.ts';
import { paginate, triggerView } from './views.ts';

const queries = (c: Context) => c.req.query() as Record<string, string | undefined>;

/**
 * Triggers of the FC 2.0 API (FC2-API §5.1): http (one per function per qualifier) and timer
 * (any number; they fire on fnplay's clock, resources/timer-triggers.ts). Other types need a
 * cloud service and are refused (src/shared/trigger-config.ts says which).
 */
export const triggerRoutes: Route[] = [
  {
    method: 'POST', path: '/services/:service/functions/:function/triggers',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const fn = requireFunction(deps, s.serviceName, param(c, 'function'));
      const body = parseBody(createTriggerBody, await jsonBody(c));
      if (body.triggerType === 'timer') parseTimerSchedule(body.triggerConfig.cronExpression);
      const existing = deps.store.resources.listTriggers(s.serviceName, fn.config.functionName);
      if (existing.some((t) => t.triggerName === body.triggerName)) throw new FcError('TriggerAlreadyExists', `trigger '${body.triggerName}' already exists`);
      const qualifier = requireQualifier(deps, s.serviceName, body.qualifier || 'LATEST').qualifier;
      if (body.triggerType === 'http') checkOneHttpTrigger(existing, fn.config.functionName, qualifier);
      const now = isoNow();
      const common = {
        serviceName: s.serviceName, functionName: fn.config.functionName, triggerName: body.triggerName, triggerId: randomUUID(), qualifier,
        description: body.description ?? '', sourceArn: body.sourceArn ?? null, invocationRole: body.invocationRole ?? null, createdTime: now, lastModifiedTime: now, etag: newEtag(),
      };
      const t: TriggerRecord = body.triggerType === 'http'
        ? { ...common, triggerType: 'http', triggerConfig: body.triggerConfig }
        : { ...common, triggerType: 'timer', triggerConfig: body.triggerConfig };
      deps.store.resources.putTrigger(t);
      deps.timers.sync();
      return replyJson(c, triggerView(t), 200, t.etag);
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/triggers',
    handler: (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const fn = requireFunction(deps, s.serviceName, param(c, 'function'));
      const { page, nextToken } = paginate(deps.store.resources.listTriggers(s.serviceName, fn.config.functionName), (t) => t.triggerName, queries(c));
      return replyJson(c, { triggers: page.map(triggerView), ...(nextToken ? { nextToken } : {}) });
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/triggers/:trigger',
    handler: (c, deps) => {
      const t = requireTrigger(c, deps);
      return replyJson(c, triggerView(t), 200, t.etag);
    },
  },
  {
    method: 'PUT', path: '/services/:service/functions/:function/triggers/:trigger',
    handler: async (c, deps) => {
      const prev = requireTrigger(c, deps);
      checkIfMatch(c.req.header('if-match'), prev.etag);
      const raw = await jsonBody(c);
      const body = parseBody(updateTriggerBody, raw);
      if (body.qualifier) requireQualifier(deps, prev.serviceName, body.qualifier);
      const qualifier = body.qualifier || prev.qualifier;
      const common = {
        qualifier, description: body.description ?? prev.description, invocationRole: body.invocationRole ?? prev.invocationRole,
        lastModifiedTime: isoNow(), etag: newEtag(),
      };
      let t: TriggerRecord;
      if (prev.triggerType === 'http') {
        const cfg = body.triggerConfig === undefined ? prev.triggerConfig : parseBody(updateTriggerConfig.http, { triggerConfig: body.triggerConfig }).triggerConfig;
        const others = deps.store.resources.listTriggers(prev.serviceName, prev.functionName).filter((x) => x.triggerName !== prev.triggerName);
        if (qualifier !== prev.qualifier) checkOneHttpTrigger(others, prev.functionName, qualifier);
        t = { ...prev, ...common, triggerConfig: cfg };
      } else {
        // A timer's config is merged: the fields given replace, the others are kept.
        const given = body.triggerConfig === undefined ? {} : parseBody(updateTriggerConfig.timer, { triggerConfig: body.triggerConfig }).triggerConfig;
        const cfg = { ...prev.triggerConfig, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
        parseTimerSchedule(cfg.cronExpression);
        t = { ...prev, ...common, triggerConfig: cfg };
      }
      deps.store.resources.putTrigger(t);
      deps.timers.sync();
      return replyJson(c, triggerView(t), 200, t.etag);
    },
  },
  {
    method: 'DELETE', path: '/services/:service/functions/:function/triggers/:trigger',
    handler: (c, deps) => {
      const t = requireTrigger(c, deps);
      checkIfMatch(c.req.header('if-match'), t.etag);
      deps.store.resources.deleteTrigger(t.serviceName, t.functionName, t.triggerName);
      deps.timers.sync();
      return c.body(null, 204);
    },
  },
];

/** SPEC §1: one HTTP trigger per function per qualifier (the proxy must know which one answers). */
function checkOneHttpTrigger(others: TriggerRecord[], functionName: string, qualifier: string) {
  if (others.some((t) => t.triggerType === 'http' && t.qualifier === qualifier)) {
    throw new FcError('InvalidArgument', `function '${functionName}' already has an HTTP trigger for qualifier ${qualifier}: one HTTP trigger per function per qualifier`);
  }
}

function requireTrigger(c: Context, deps: HttpDeps) {
  const s = requireService(deps, param(c, 'service'));
  const fn = requireFunction(deps, s.serviceName, param(c, 'function'));
  const name = param(c, 'trigger');
  const t = deps.store.resources.getTrigger(s.serviceName, fn.config.functionName, name);
  if (!t) throw new FcError('TriggerNotFound', `trigger '${name}' does not exist in function '${fn.config.functionName}' of service '${s.serviceName}'`);
  return t;
}
