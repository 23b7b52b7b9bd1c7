import { createHmac, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { checkIfMatch, isoNow, newEtag, parseBody } from '../resources/function-ops.ts';
import type { ServiceRecord, TriggerRecord } from '../store/index.ts';
import { createTriggerBody, onDemandConfigBody, serviceBody, updateServiceBody, updateTriggerBody } from '../../shared/function-config.ts';
import { jsonBody, param, replyJson, requireFunction, requireLatest, requireService, splitQualifier, type HttpDeps } from './context.ts';
import { functionView, paginate, serviceView, triggerView } from './views.ts';

export type Route = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; handler: (c: Context, deps: HttpDeps) => Response | Promise<Response> };

const queries = (c: Context) => c.req.query() as Record<string, string | undefined>;

/** Services, functions, triggers, on-demand configs and instances of the FC 2.0 API (FC2-API §5). */
export const resourceRoutes: Route[] = [
  // ── services
  {
    method: 'POST', path: '/services',
    handler: async (c, deps) => {
      const body = parseBody(serviceBody, await jsonBody(c));
      if (deps.store.resources.getService(body.serviceName)) throw new FcError('ServiceAlreadyExists', `service '${body.serviceName}' already exists`);
      const now = isoNow();
      const s: ServiceRecord = {
        serviceName: body.serviceName, serviceId: randomUUID(), description: body.description ?? '', role: body.role ?? '',
        internetAccess: body.internetAccess ?? true, logConfig: { project: '', logstore: '', ...body.logConfig },
        tracingConfig: body.tracingConfig ?? null, createdTime: now, lastModifiedTime: now, etag: newEtag(),
      };
      deps.store.resources.putService(s);
      return replyJson(c, serviceView(s), 200, s.etag);
    },
  },
  {
    method: 'GET', path: '/services',
    handler: (c, deps) => {
      const { page, nextToken } = paginate(deps.store.resources.listServices(), (s) => s.serviceName, queries(c));
      return replyJson(c, { services: page.map(serviceView), ...(nextToken ? { nextToken } : {}) });
    },
  },
  {
    method: 'GET', path: '/services/:service',
    handler: (c, deps) => {
      const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
      const s = requireService(deps, serviceName);
      requireLatest(serviceName, qualifier);
      return replyJson(c, serviceView(s), 200, s.etag);
    },
  },
  {
    method: 'PUT', path: '/services/:service',
    handler: async (c, deps) => {
      const prev = requireService(deps, param(c, 'service'));
      checkIfMatch(c.req.header('if-match'), prev.etag);
      const body = parseBody(updateServiceBody, await jsonBody(c));
      const s: ServiceRecord = {
        ...prev, description: body.description ?? prev.description, role: body.role ?? prev.role,
        internetAccess: body.internetAccess ?? prev.internetAccess, logConfig: body.logConfig ? { project: '', logstore: '', ...body.logConfig } : prev.logConfig,
        // absent keeps it; `{}` (or FC's `{type:null, params:null}`) turns tracing off (FC2-API §4)
        tracingConfig: body.tracingConfig !== undefined ? body.tracingConfig : (prev.tracingConfig ?? null),
        lastModifiedTime: isoNow(), etag: newEtag(),
      };
      deps.store.resources.putService(s);
      return replyJson(c, serviceView(s), 200, s.etag);
    },
  },
  {
    method: 'DELETE', path: '/services/:service',
    handler: (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      checkIfMatch(c.req.header('if-match'), s.etag);
      if (deps.store.resources.countFunctions(s.serviceName) > 0) throw new FcError('ServiceNotEmpty', `service '${s.serviceName}' still has functions: delete them first`);
      deps.store.resources.deleteService(s.serviceName);
      return c.body(null, 204);
    },
  },

  // ── functions
  {
    method: 'POST', path: '/services/:service/functions',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const fn = await deps.functions.create(s, await jsonBody(c));
      return replyJson(c, functionView(fn), 200, fn.etag);
    },
  },
  {
    method: 'GET', path: '/services/:service/functions',
    handler: (c, deps) => {
      const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
      requireService(deps, serviceName);
      requireLatest(serviceName, qualifier);
      const { page, nextToken } = paginate(deps.store.resources.listFunctions(serviceName), (f) => f.config.functionName, queries(c));
      return replyJson(c, { functions: page.map(functionView), ...(nextToken ? { nextToken } : {}) });
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function',
    handler: (c, deps) => {
      const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
      requireService(deps, serviceName);
      requireLatest(serviceName, qualifier);
      const fn = requireFunction(deps, serviceName, param(c, 'function'));
      return replyJson(c, functionView(fn), 200, fn.etag);
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/code',
    handler: (c, deps) => {
      const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
      requireService(deps, serviceName);
      requireLatest(serviceName, qualifier);
      const fn = requireFunction(deps, serviceName, param(c, 'function'));
      return replyJson(c, { url: `${publicOrigin(c, deps)}${codeDownloadPath(deps, fn.codeChecksum)}`, checksum: fn.codeChecksum });
    },
  },
  {
    method: 'PUT', path: '/services/:service/functions/:function',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const prev = requireFunction(deps, s.serviceName, param(c, 'function'));
      const fn = await deps.functions.update(prev, await jsonBody(c), c.req.header('if-match'));
      return replyJson(c, functionView(fn), 200, fn.etag);
    },
  },
  {
    method: 'DELETE', path: '/services/:service/functions/:function',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const fn = requireFunction(deps, s.serviceName, param(c, 'function'));
      checkIfMatch(c.req.header('if-match'), fn.etag);
      if (deps.store.resources.listTriggers(s.serviceName, fn.config.functionName).length > 0) {
        throw new FcError('FunctionNotEmpty', `function '${fn.config.functionName}' has active triggers`);
      }
      deps.store.resources.deleteFunction(s.serviceName, fn.config.functionName);
      await deps.scheduler.drain(s.serviceName, fn.config.functionName);
      // Its image, if no other function uses it, is freed after the grace (image-gc.ts).
      void deps.imageGc.sweep();
      return c.body(null, 204);
    },
  },

  // ── triggers (HTTP only)
  {
    method: 'POST', path: '/services/:service/functions/:function/triggers',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const fn = requireFunction(deps, s.serviceName, param(c, 'function'));
      const body = parseBody(createTriggerBody, await jsonBody(c));
      const existing = deps.store.resources.listTriggers(s.serviceName, fn.config.functionName);
      if (existing.some((t) => t.triggerName === body.triggerName)) throw new FcError('TriggerAlreadyExists', `trigger '${body.triggerName}' already exists`);
      const qualifier = body.qualifier || 'LATEST';
      requireLatest(s.serviceName, qualifier);
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
      if (body.qualifier) requireLatest(prev.serviceName, body.qualifier);
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

  // ── on-demand config (the per-function instance cap)
  {
    method: 'PUT', path: '/services/:service/functions/:function/on-demand-config',
    handler: async (c, deps) => {
      const { s, fn, qualifier } = onDemandTarget(c, deps);
      const prev = deps.store.resources.getOnDemand(s, qualifier, fn);
      if (prev) checkIfMatch(c.req.header('if-match'), prev.etag);
      const body = parseBody(onDemandConfigBody, await jsonBody(c));
      if (body.maximumInstanceCount > deps.maxInstances) {
        throw new FcError('InvalidArgument', `maximumInstanceCount must be at most the account limit of ${deps.maxInstances}, got ${body.maximumInstanceCount}`);
      }
      const cfg = { serviceName: s, qualifier, functionName: fn, maximumInstanceCount: body.maximumInstanceCount, etag: newEtag() };
      deps.store.resources.putOnDemand(cfg);
      return replyJson(c, onDemandView(deps, cfg), 200, cfg.etag);
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/on-demand-config',
    handler: (c, deps) => {
      const { s, fn, qualifier } = onDemandTarget(c, deps);
      const cfg = deps.store.resources.getOnDemand(s, qualifier, fn);
      if (!cfg) throw new FcError('OnDemandConfigNotFound', `on-demand config of function '${fn}' (qualifier ${qualifier}) of service '${s}' does not exist`);
      return replyJson(c, onDemandView(deps, cfg), 200, cfg.etag);
    },
  },
  {
    method: 'DELETE', path: '/services/:service/functions/:function/on-demand-config',
    handler: (c, deps) => {
      const { s, fn, qualifier } = onDemandTarget(c, deps);
      const cfg = deps.store.resources.getOnDemand(s, qualifier, fn);
      if (!cfg) throw new FcError('OnDemandConfigNotFound', `on-demand config of function '${fn}' (qualifier ${qualifier}) of service '${s}' does not exist`);
      checkIfMatch(c.req.header('if-match'), cfg.etag);
      deps.store.resources.deleteOnDemand(s, qualifier, fn);
      return c.body(null, 200);
    },
  },
  {
    method: 'GET', path: '/on-demand-configs',
    handler: (c, deps) => {
      const all = deps.store.resources.listOnDemand();
      const { page, nextToken } = paginate(all, (x) => `${x.serviceName}#${x.qualifier}#${x.functionName}`, queries(c));
      return replyJson(c, { configs: page.map((x) => onDemandView(deps, x)), ...(nextToken ? { nextToken } : {}) });
    },
  },

  // ── instances
  {
    method: 'GET', path: '/services/:service/functions/:function/instances',
    handler: (c, deps) => {
      const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
      requireService(deps, serviceName);
      requireLatest(serviceName, qualifier);
      const fn = requireFunction(deps, serviceName, param(c, 'function'));
      const wanted = c.req.queries('instanceIds');
      const limit = Math.min(Math.max(parseInt(c.req.query('limit') ?? '1000', 10) || 1000, 0), 1000);
      const instances = deps.scheduler
        .instancesOf(serviceName, fn.config.functionName)
        .filter((i) => !wanted || wanted.includes(i.id))
        .slice(0, limit)
        .map((i) => ({ instanceId: i.id, versionId: '0' }));
      return replyJson(c, { instances });
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

function onDemandTarget(c: Context, deps: HttpDeps) {
  const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
  requireService(deps, serviceName);
  const q = requireLatest(serviceName, qualifier);
  const fn = requireFunction(deps, serviceName, param(c, 'function'));
  return { s: serviceName, fn: fn.config.functionName, qualifier: q };
}

function onDemandView(deps: HttpDeps, cfg: { serviceName: string; qualifier: string; functionName: string; maximumInstanceCount: number }) {
  return { resource: `${deps.accountId}#${cfg.serviceName}#${cfg.qualifier}#${cfg.functionName}`, maximumInstanceCount: cfg.maximumInstanceCount };
}

/**
 * The origin a client reaches this service at. The SDK sends `Host` without the port (FC2-API §1),
 * so a port-less Host gets the bound port back from the allowed hosts; else the URL would name port 80.
 */
function publicOrigin(c: Context, deps: HttpDeps) {
  const url = new URL(c.req.url);
  if (url.port) return url.origin;
  const bound = [...deps.allowedHosts].find((h) => h.startsWith(`${url.hostname}:`));
  return bound ? `${url.protocol}//${bound}` : url.origin;
}

/** getFunctionCode answers a URL; FC's points at OSS, ours at a self-signed, expiring download path. */
export function codeDownloadPath(deps: HttpDeps, checksum: string) {
  const expires = Math.floor(Date.now() / 1000) + 3600;
  return `/code/${checksum}.zip?expires=${expires}&signature=${codeSignature(deps, checksum, expires)}`;
}
export const codeSignature = (deps: HttpDeps, checksum: string, expires: number) =>
  createHmac('sha256', deps.keys.accessKeySecret).update(`${checksum}:${expires}`).digest('base64url');
