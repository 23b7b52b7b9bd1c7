import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { checkIfMatch, isoNow, newEtag, parseBody } from '../resources/function-ops.ts';
import { aliasNotFound, versionNotFound } from '../resources/qualifiers.ts';
import type { AliasRecord, FunctionRecord, ProvisionConfigRecord, ServiceRecord, VersionRecord } from '../store/index.ts';
import { createAliasBody, provisionConfigBody, publishVersionBody, updateAliasBody } from '../../shared/release-bodies.ts';
import { jsonBody, param, replyJson, requireService, type HttpDeps } from './context.ts';
import { configTarget, type Route } from './fc-resources.ts';
import { paginate } from './views.ts';

const queries = (c: Context) => c.req.query() as Record<string, string | undefined>;

/**
 * What makes two publishes the same: the service's settings and each function's configuration and
 * code, not times or ETags. Publishing with no change since the last version is refused (FC2-API §5.1).
 */
function fingerprint(service: ServiceRecord, functions: FunctionRecord[]) {
  const { description, role, internetAccess, logConfig, tracingConfig } = service;
  const fns = functions
    .map((f) => ({ config: f.config, code: f.codeChecksum, image: f.imageDigest }))
    .sort((a, b) => (a.config.functionName < b.config.functionName ? -1 : 1));
  return createHash('sha256').update(JSON.stringify({ service: { description, role, internetAccess, logConfig, tracingConfig: tracingConfig ?? null }, fns })).digest('hex');
}

const versionView = (v: VersionRecord) => ({ versionId: v.versionId, description: v.description, createdTime: v.createdTime, lastModifiedTime: v.lastModifiedTime });

const aliasView = (a: AliasRecord) => ({
  aliasName: a.aliasName, versionId: a.versionId, description: a.description, additionalVersionWeight: a.additionalVersionWeight,
  resolvePolicy: a.resolvePolicy, routePolicy: a.routePolicy ?? null, createdTime: a.createdTime, lastModifiedTime: a.lastModifiedTime,
});

function requireVersion(deps: HttpDeps, serviceName: string, id: string): VersionRecord {
  const v = deps.store.releases.getVersion(serviceName, id);
  if (!v) throw versionNotFound(serviceName, id);
  return v;
}

function requireAlias(deps: HttpDeps, serviceName: string, name: string): AliasRecord {
  const a = deps.store.releases.getAlias(serviceName, name);
  if (!a) throw aliasNotFound(serviceName, name);
  return a;
}

/** An alias's versions exist, and its additional version is not its main one (ERR21). */
function checkAliasVersions(deps: HttpDeps, serviceName: string, versionId: string, weights: Record<string, number>) {
  requireVersion(deps, serviceName, versionId);
  for (const extra of Object.keys(weights)) {
    if (extra === versionId) throw new FcError('AdditionalVersionContainsMajorVersion', `additionalVersionWeight names version ${extra}, which is the alias's own version (versionId): the additional version must be another one`);
    requireVersion(deps, serviceName, extra);
  }
}

/**
 * Versions of the FC 2.0 API are ordered by id, newest first unless `direction=FORWARD`
 * (FC2-API §5); `startKey` is the id to start at, `nextToken` the one the next page starts at.
 */
function pageVersions(all: VersionRecord[], q: Record<string, string | undefined>) {
  const direction = q.direction ?? 'BACKWARD';
  if (direction !== 'FORWARD' && direction !== 'BACKWARD') throw new FcError('InvalidArgument', `direction must be FORWARD or BACKWARD, got '${direction}'`);
  const limit = Math.min(Math.max(parseInt(q.limit ?? '20', 10) || 20, 1), 100);
  const startRaw = q.nextToken ?? q.startKey;
  if (startRaw !== undefined && startRaw !== '' && !/^\d{1,10}$/.test(startRaw)) throw new FcError('InvalidArgument', `${q.nextToken !== undefined ? 'nextToken' : 'startKey'} must be a version id, got '${startRaw.slice(0, 40)}'`);
  const start = startRaw ? Number(startRaw) : null;
  const forward = direction === 'FORWARD';
  const sorted = all.map((v) => ({ v, n: Number(v.versionId) })).sort((a, b) => (forward ? a.n - b.n : b.n - a.n));
  const from = start === null ? sorted : sorted.filter(({ n }) => (forward ? n >= start : n <= start));
  const page = from.slice(0, limit).map(({ v }) => v);
  const next = from[limit];
  return { page, direction, nextToken: next ? next.v.versionId : undefined };
}

function provisionView(deps: HttpDeps, cfg: ProvisionConfigRecord, withCurrent: boolean) {
  const body = {
    resource: `${deps.accountId}#${cfg.serviceName}#${cfg.qualifier}#${cfg.functionName}`,
    target: cfg.target, scheduledActions: cfg.scheduledActions, targetTrackingPolicies: cfg.targetTrackingPolicies, alwaysAllocateCPU: cfg.alwaysAllocateCPU,
  };
  if (!withCurrent) return body;
  const state = deps.provisioner.stateOf(cfg.serviceName, cfg.qualifier, cfg.functionName);
  return { ...body, current: state.current, currentError: state.error ?? '' };
}

/** Versions, aliases and provision configs of the FC 2.0 API (FC2-API §5, §5.5). */
export const releaseRoutes: Route[] = [
  // ── versions
  {
    method: 'POST', path: '/services/:service/versions',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      // If-Match here is the service's ETag (FC2-API §4).
      checkIfMatch(c.req.header('if-match'), s.etag);
      const body = parseBody(publishVersionBody, await jsonBody(c));
      const functions = deps.store.resources.listFunctions(s.serviceName);
      const print = fingerprint(s, functions);
      const last = deps.store.releases.latestVersion(s.serviceName);
      if (last && last.fingerprint === print) {
        throw new FcError('InvalidArgument', `service '${s.serviceName}' has not changed since version ${last.versionId}: publishing needs a change to the service or one of its functions`);
      }
      const now = isoNow();
      const v = deps.store.releases.publishVersion({ serviceName: s.serviceName, description: body.description ?? '', snapshot: { service: s, functions }, fingerprint: print, createdTime: now, lastModifiedTime: now });
      return replyJson(c, versionView(v), 200, newEtag());
    },
  },
  {
    method: 'GET', path: '/services/:service/versions',
    handler: (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const { page, direction, nextToken } = pageVersions(deps.store.releases.listVersions(s.serviceName), queries(c));
      return replyJson(c, { versions: page.map(versionView), direction, ...(nextToken ? { nextToken } : {}) });
    },
  },
  {
    method: 'DELETE', path: '/services/:service/versions/:version',
    handler: (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const v = requireVersion(deps, s.serviceName, param(c, 'version'));
      const user = deps.store.releases.listAliases(s.serviceName).find((a) => a.versionId === v.versionId || v.versionId in (a.additionalVersionWeight ?? {}));
      if (user) throw new FcError('VersionInUse', `version ${v.versionId} of service '${s.serviceName}' is used by alias '${user.aliasName}': point the alias elsewhere or delete it first`);
      deps.store.releases.deleteVersion(s.serviceName, v.versionId);
      // Nothing can call it any more: its instances finish what they have and go.
      for (const fn of v.snapshot.functions) void deps.scheduler.drain(s.serviceName, fn.config.functionName, { versionId: v.versionId });
      return c.body(null, 204);
    },
  },

  // ── aliases
  {
    method: 'POST', path: '/services/:service/aliases',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const body = parseBody(createAliasBody, await jsonBody(c));
      if (deps.store.releases.getAlias(s.serviceName, body.aliasName)) throw new FcError('AliasAlreadyExists', `alias '${body.aliasName}' of service '${s.serviceName}' already exists`);
      const weights = body.additionalVersionWeight ?? {};
      checkAliasVersions(deps, s.serviceName, body.versionId, weights);
      const now = isoNow();
      const a: AliasRecord = {
        serviceName: s.serviceName, aliasName: body.aliasName, versionId: body.versionId, description: body.description ?? '', additionalVersionWeight: weights,
        resolvePolicy: body.resolvePolicy ?? 'Random', routePolicy: body.routePolicy ?? null, createdTime: now, lastModifiedTime: now, etag: newEtag(),
      };
      deps.store.releases.putAlias(a);
      return replyJson(c, aliasView(a), 200, a.etag);
    },
  },
  {
    method: 'GET', path: '/services/:service/aliases',
    handler: (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const { page, nextToken } = paginate(deps.store.releases.listAliases(s.serviceName), (a) => a.aliasName, queries(c));
      return replyJson(c, { aliases: page.map(aliasView), ...(nextToken ? { nextToken } : {}) });
    },
  },
  {
    method: 'GET', path: '/services/:service/aliases/:alias',
    handler: (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const a = requireAlias(deps, s.serviceName, param(c, 'alias'));
      return replyJson(c, aliasView(a), 200, a.etag);
    },
  },
  {
    method: 'PUT', path: '/services/:service/aliases/:alias',
    handler: async (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const prev = requireAlias(deps, s.serviceName, param(c, 'alias'));
      checkIfMatch(c.req.header('if-match'), prev.etag);
      const body = parseBody(updateAliasBody, await jsonBody(c));
      const versionId = body.versionId ?? prev.versionId;
      // Partial: absent keeps, `{}` clears (FC2-API §4).
      const weights = body.additionalVersionWeight ?? prev.additionalVersionWeight;
      checkAliasVersions(deps, s.serviceName, versionId, weights);
      const a: AliasRecord = {
        ...prev, versionId, additionalVersionWeight: weights, description: body.description ?? prev.description,
        resolvePolicy: body.resolvePolicy ?? prev.resolvePolicy, routePolicy: body.routePolicy !== undefined ? body.routePolicy : prev.routePolicy,
        lastModifiedTime: isoNow(), etag: newEtag(),
      };
      deps.store.releases.putAlias(a);
      // Its provisioned instances move to the new version (the provisioner replaces them).
      deps.provisioner.kick();
      return replyJson(c, aliasView(a), 200, a.etag);
    },
  },
  {
    method: 'DELETE', path: '/services/:service/aliases/:alias',
    handler: (c, deps) => {
      const s = requireService(deps, param(c, 'service'));
      const a = requireAlias(deps, s.serviceName, param(c, 'alias'));
      checkIfMatch(c.req.header('if-match'), a.etag);
      const provisioned = deps.store.releases.listProvision().filter((p) => p.serviceName === s.serviceName && p.qualifier === a.aliasName);
      const held = provisioned.find((p) => p.target > 0);
      if (held) throw new FcError('AliasInUse', `alias '${a.aliasName}' has a provision config with target ${held.target} for function '${held.functionName}': set its target to 0 first`);
      for (const p of provisioned) deps.store.releases.deleteProvision(p.serviceName, p.qualifier, p.functionName);
      for (const o of deps.store.resources.listOnDemand()) if (o.serviceName === s.serviceName && o.qualifier === a.aliasName) deps.store.resources.deleteOnDemand(o.serviceName, o.qualifier, o.functionName);
      deps.store.releases.deleteAlias(s.serviceName, a.aliasName);
      return c.body(null, 204);
    },
  },

  // ── provision configs (FC2-API §5.5)
  {
    method: 'PUT', path: '/services/:service/functions/:function/provision-config',
    handler: async (c, deps) => {
      const { s, fn, qualifier } = configTarget(c, deps, 'provision config');
      const body = parseBody(provisionConfigBody, await jsonBody(c));
      const prev = deps.store.releases.getProvision(s, qualifier, fn);
      // Provisioned instances count against the account's instance cap, all configs together.
      const others = deps.store.releases.listProvision().filter((p) => !(p.serviceName === s && p.qualifier === qualifier && p.functionName === fn)).reduce((n, p) => n + p.target, 0);
      if (others + body.target > deps.maxInstances) {
        throw new FcError('InvalidArgument', `target ${body.target} would provision ${others + body.target} instances in all, over the account's instance limit of ${deps.maxInstances}`);
      }
      const cfg: ProvisionConfigRecord = {
        serviceName: s, qualifier, functionName: fn, target: body.target,
        scheduledActions: body.scheduledActions ?? prev?.scheduledActions ?? [], targetTrackingPolicies: body.targetTrackingPolicies ?? prev?.targetTrackingPolicies ?? [],
        alwaysAllocateCPU: body.alwaysAllocateCPU ?? prev?.alwaysAllocateCPU ?? true, etag: newEtag(),
      };
      deps.store.releases.putProvision(cfg);
      deps.provisioner.kick();
      return replyJson(c, provisionView(deps, cfg, false), 200, cfg.etag);
    },
  },
  {
    method: 'GET', path: '/services/:service/functions/:function/provision-config',
    handler: (c, deps) => {
      const { s, fn, qualifier } = configTarget(c, deps, 'provision config');
      // A function never provisioned reads as target 0 (FC answers the config, not 404).
      const cfg = deps.store.releases.getProvision(s, qualifier, fn) ?? { serviceName: s, qualifier, functionName: fn, target: 0, scheduledActions: [], targetTrackingPolicies: [], alwaysAllocateCPU: true, etag: '' };
      return replyJson(c, provisionView(deps, cfg, true), 200, cfg.etag || undefined);
    },
  },
  {
    method: 'GET', path: '/provision-configs',
    handler: (c, deps) => {
      const q = queries(c);
      if (q.qualifier && !q.serviceName) throw new FcError('InvalidArgument', 'qualifier needs serviceName: a qualifier names an alias of one service');
      const all = deps.store.releases.listProvision().filter((p) => (!q.serviceName || p.serviceName === q.serviceName) && (!q.qualifier || p.qualifier === q.qualifier));
      const { page, nextToken } = paginate(all, (p) => `${p.serviceName}#${p.qualifier}#${p.functionName}`, { limit: q.limit, nextToken: q.nextToken });
      return replyJson(c, { provisionConfigs: page.map((p) => provisionView(deps, p, true)), ...(nextToken ? { nextToken } : {}) });
    },
  },
];
