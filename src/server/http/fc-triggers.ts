import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { checkIfMatch, isoNow, newEtag, parseBody } from '../resources/function-ops.ts';
import type { TriggerRecord } from '../store/index.ts';
import { createTriggerBody, updateTriggerBody } from '../../shared/function-config.ts';
import { jsonBody, param, replyJson, requireFunction, requireQualifier, requireService, type HttpDeps } from './context.ts';
import type { Route } from './fc-resources.ts';
import { paginate, triggerView } from './views.ts';

const queries = (c: Context) => c.req.query() as Record<string, string | undefined>;

/** Triggers of the FC 2.0 API (FC2-API §5.1). */
export const triggerRoutes: Route[] = [
  // ── triggers (HTTP only)
  {
    method: 'POST', path: '/services/:service/functions/:function/triggers',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const fn = requireFunction(deps, s.serviceName, param(c, 'function'));
      const body = parseBody(createTriggerBody, await jsonBody(c));
      const existing = deps.store.resources.listTriggers(s.serviceName, fn.config.functionName);
      if (existing.some((t) => t.triggerName === body.triggerName)) throw new FcError('TriggerAlreadyExists', `trigger '${body.triggerName}' already exists`);
      const qualifier = requireQualifier(deps, s.serviceName, body.qualifier || 'LATEST').qualifier;
      if (existing.some((t) => t.qualifier === qualifier)) {
        throw new FcError('InvalidArgument', `function '${fn.config.functionName}' already has an HTTP trigger for qualifier ${qualifier}: one HTTP trigger per function per qualifier`);
      }
      const now = isoNow();
      const t: TriggerRecord = {
        serviceName: s.serviceName, functionName: fn.config.functionName, triggerName: body.triggerName, triggerId: randomUUID(),
        triggerType: 'http', triggerConfig: body.triggerConfig, qualifier, description: body.description ?? '',
        sourceArn: body.sourceArn ?? null, invocationRole: body.invocationRole ?? null, createdTime: now, lastModifiedTime: now, etag: newEtag(),
      };
      deps.store.resources.putTrigger(t);
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
      const body = parseBody(updateTriggerBody, await jsonBody(c));
      if (body.qualifier) requireQualifier(deps, prev.serviceName, body.qualifier);
      const t: TriggerRecord = {
        ...prev, triggerConfig: body.triggerConfig ?? prev.triggerConfig, qualifier: body.qualifier || prev.qualifier,
        description: body.description ?? prev.description, invocationRole: body.invocationRole ?? prev.invocationRole,
        lastModifiedTime: isoNow(), etag: newEtag(),
      };
      deps.store.resources.putTrigger(t);
      return replyJson(c, triggerView(t), 200, t.etag);
    },
  },
  {
    method: 'DELETE', path: '/services/:service/functions/:function/triggers/:trigger',
    handler: (c, deps) => {
      const t = requireTrigger(c, deps);
      checkIfMatch(c.req.header('if-match'), t.etag);
      deps.store.resources.deleteTrigger(t.serviceName, t.functionName, t.triggerName);
      return c.body(null, 204);
    },
  },

];

function requireTrigger(c: Context, deps: HttpDeps) {
  const s = requireService(deps, param(c, 'service'));
  const fn = requireFunction(deps, s.serviceName, param(c, 'function'));
  const name = param(c, 'trigger');
  const t = deps.store.resources.getTrigger(s.serviceName, fn.config.functionName, name);
  if (!t) throw new FcError('TriggerNotFound', `trigger '${name}' does not exist in function '${fn.config.functionName}' of service '${s.serviceName}'`);
  return t;
}

