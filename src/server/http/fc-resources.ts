import { createHmac } from 'node:crypto';
import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { checkIfMatch, newEtag, parseBody } from '../resources/function-ops.ts';
import { functionAt, functionsAt, LATEST, readVersionOf, type Qualified } from '../resources/qualifiers.ts';
import { onDemandConfigBody } from '../../shared/function-config.ts';
import { jsonBody, param, replyJson, requireFunction, requireQualifier, requireService, splitQualifier, type HttpDeps } from './context.ts';
import { functionView, paginate } from './views.ts';

export type Route = { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; handler: (c: Context, deps: HttpDeps) => Response | Promise<Response> };

const queries = (c: Context) => c.req.query() as Record<string, string | undefined>;

/** Functions, on-demand configs and instances of the FC 2.0 API (FC2-API §5); each reads at a qualifier where FC lets it. */
export const resourceRoutes: Route[] = [
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
      const { serviceName, versionId } = readTarget(c, deps);
      const { page, nextToken } = paginate(functionsAt(deps.store, serviceName, versionId), (f) => f.config.functionName, queries(c));
      return replyJson(c, { functions: page.map(functionView), ...(nextToken ? { nextToken } : {}) });
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function',
    handler: (c, deps) => {
      const { serviceName, versionId } = readTarget(c, deps);
      const fn = functionAt(deps.store, serviceName, versionId, param(c, 'function'));
      return replyJson(c, functionView(fn), 200, fn.etag);
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/code',
    handler: (c, deps) => {
      const { serviceName, versionId } = readTarget(c, deps);
      const fn = functionAt(deps.store, serviceName, versionId, param(c, 'function'));
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
      deps.store.releases.deleteProvisionOfFunction(s.serviceName, fn.config.functionName);
      // Its waiting async events become Invalid when their turn comes (FC's status for a deleted function).
      deps.store.asyncEvents.deleteConfigsOf(s.serviceName, fn.config.functionName);
      // Only LATEST's instances go: a version still holds the function, and its instances keep running it.
      await deps.scheduler.drain(s.serviceName, fn.config.functionName, { versionId: LATEST });
      // Its image, if no other function uses it, is freed after the grace (image-gc.ts).
      void deps.imageGc.sweep();
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
      const { serviceName, q, versionId } = readTarget(c, deps);
      const fn = functionAt(deps.store, serviceName, versionId, param(c, 'function'));
      const wanted = c.req.queries('instanceIds');
      const limit = Math.min(Math.max(parseInt(c.req.query('limit') ?? '1000', 10) || 1000, 0), 1000);
      // An alias lists the instances of each version it routes to; FC writes LATEST as "0" (FC2-API §5.7).
      const versions = new Set(q.kind === 'alias' ? [q.alias.versionId, ...Object.keys(q.alias.additionalVersionWeight ?? {})] : [versionId]);
      const instances = deps.scheduler
        .instancesOf(serviceName, fn.config.functionName)
        .filter((i) => versions.has(i.rev.versionId) && (!wanted || wanted.includes(i.id)))
        .slice(0, limit)
        .map((i) => ({ instanceId: i.id, versionId: i.rev.versionId === LATEST ? '0' : i.rev.versionId, qualifier: i.rev.qualifier }));
      return replyJson(c, { instances });
    },
  },
];

/** The service segment of a read: the service and what its qualifier names (LATEST by default). */
function readTarget(c: Context, deps: HttpDeps): { serviceName: string; q: Qualified; versionId: string } {
  const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
  requireService(deps, serviceName);
  const q = requireQualifier(deps, serviceName, qualifier);
  return { serviceName, q, versionId: readVersionOf(q) };
}

/**
 * The function and qualifier a per-qualifier config is for: an alias or LATEST, never a version
 * (FC2-API §5.5): a version never changes, so it is released through an alias.
 */
export function configTarget(c: Context, deps: HttpDeps, what: string) {
  const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
  requireService(deps, serviceName);
  const q = requireQualifier(deps, serviceName, qualifier);
  if (q.kind === 'version') throw new FcError('InvalidArgument', `a ${what} is set on an alias or LATEST, not on a version: qualifier '${q.qualifier}' is version ${q.versionId}`);
  const fn = requireFunction(deps, serviceName, param(c, 'function'));
  return { s: serviceName, fn: fn.config.functionName, qualifier: q.qualifier, q };
}

const onDemandTarget = (c: Context, deps: HttpDeps) => configTarget(c, deps, 'on-demand config');

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
