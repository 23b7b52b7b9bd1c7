import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { isoNow, parseBody } from '../resources/function-ops.ts';
import { customDomainBody, updateCustomDomainBody, type CustomDomain } from '../../shared/custom-domain.ts';
import { jsonBody, param, replyJson, type HttpDeps } from './context.ts';
import type { Route } from './fc-resources.ts';
import { paginate } from './views.ts';

function requireDomain(deps: HttpDeps, name: string): CustomDomain {
  const d = deps.store.customDomains.get(name);
  if (!d) throw new FcError('DomainNameNotFound', `custom domain '${name}' does not exist`);
  return d;
}

/** A domain as the API answers it, with where fnplay serves it. */
const view = (deps: HttpDeps, d: CustomDomain) => ({ ...d, accountId: deps.accountId });

/** createCustomDomain, getCustomDomain, updateCustomDomain, deleteCustomDomain, listCustomDomains. */
export const customDomainRoutes: Route[] = [
  {
    method: 'POST', path: '/custom-domains',
    handler: async (c, deps) => {
      const body = parseBody(customDomainBody, await jsonBody(c));
      if (deps.store.customDomains.get(body.domainName)) throw new FcError('DomainNameAlreadyExists', `custom domain '${body.domainName}' already exists`);
      const now = isoNow();
      const d: CustomDomain = { domainName: body.domainName, protocol: body.protocol ?? 'HTTP', apiVersion: '2016-08-15', routeConfig: body.routeConfig ?? { routes: [] }, createdTime: now, lastModifiedTime: now };
      deps.store.customDomains.put(d);
      return replyJson(c, view(deps, d));
    },
  },
  {
    method: 'GET', path: '/custom-domains',
    handler: (c: Context, deps) => {
      const { page, nextToken } = paginate(deps.store.customDomains.list(), (d) => d.domainName, c.req.query() as Record<string, string | undefined>);
      return replyJson(c, { customDomains: page.map((d) => view(deps, d)), ...(nextToken ? { nextToken } : {}) });
    },
  },
  { method: 'GET', path: '/custom-domains/:domain', handler: (c, deps) => replyJson(c, view(deps, requireDomain(deps, param(c, 'domain')))) },
  {
    method: 'PUT', path: '/custom-domains/:domain',
    handler: async (c, deps) => {
      const prev = requireDomain(deps, param(c, 'domain'));
      const body = parseBody(updateCustomDomainBody, await jsonBody(c));
      const d: CustomDomain = { ...prev, protocol: body.protocol ?? prev.protocol, routeConfig: body.routeConfig ?? prev.routeConfig, lastModifiedTime: isoNow() };
      deps.store.customDomains.put(d);
      return replyJson(c, view(deps, d));
    },
  },
  {
    method: 'DELETE', path: '/custom-domains/:domain',
    handler: (c, deps) => {
      requireDomain(deps, param(c, 'domain'));
      deps.store.customDomains.delete(param(c, 'domain'));
      return c.body(null, 204);
    },
  },
];
