import { randomUUID } from 'node:crypto';
import { FcError } from '../errors.ts';
import { checkIfMatch, isoNow, newEtag, parseBody } from '../resources/function-ops.ts';
import type { ServiceRecord } from '../store/index.ts';
import { serviceBody, updateServiceBody } from '../../shared/function-config.ts';
import { jsonBody, param, replyJson, requireQualifier, requireService, splitQualifier } from './context.ts';
import { serviceAt } from '../resources/qualifiers.ts';
import type { Route } from './fc-resources.ts';
import { paginate, serviceView } from './views.ts';
import { serviceArn } from './fc-tags.ts';

const queries = (c: Parameters<Route['handler']>[0]) => c.req.query() as Record<string, string | undefined>;

/** Services of the FC 2.0 API (FC2-API §5). */
export const serviceRoutes: Route[] = [
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
      // `tag_<k>=<v>` (what the SDK makes of `{tags: {k: v}}`): only the services carrying all of them.
      const wanted = Object.entries(queries(c)).flatMap(([k, v]) => (k.startsWith('tag_') && v !== undefined ? [[k.slice(4), v] as const] : []));
      const services = deps.store.resources.listServices().filter((s) => {
        if (wanted.length === 0) return true;
        const tags = deps.store.tags.get(serviceArn(deps, s.serviceName));
        return wanted.every(([k, v]) => tags[k] === v);
      });
      const { page, nextToken } = paginate(services, (s) => s.serviceName, queries(c));
      return replyJson(c, { services: page.map(serviceView), ...(nextToken ? { nextToken } : {}) });
    },
  },
  {
    method: 'GET', path: '/services/:service',
    handler: (c, deps) => {
      const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
      const s = requireService(deps, serviceName);
      const q = requireQualifier(deps, serviceName, qualifier);
      if (q.kind === 'latest') return replyJson(c, serviceView(s), 200, s.etag);
      // A version's (or an alias's) service is the snapshot, with the version's description (FC2-API §5).
      const versionId = q.kind === 'version' ? q.versionId : q.alias.versionId;
      const v = deps.store.releases.getVersion(serviceName, versionId)!;
      return replyJson(c, { ...serviceView(serviceAt(deps.store, serviceName, versionId)), description: v.description }, 200, s.etag);
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
      if (deps.store.releases.countVersions(s.serviceName) > 0) throw new FcError('ServiceNotEmpty', `service '${s.serviceName}' still has versions: delete them first`);
      if (deps.store.releases.listAliases(s.serviceName).length > 0) throw new FcError('ServiceNotEmpty', `service '${s.serviceName}' still has aliases: delete them first`);
      deps.store.resources.deleteService(s.serviceName);
      deps.store.tags.deleteAll(serviceArn(deps, s.serviceName));
      return c.body(null, 204);
    },
  },

];
