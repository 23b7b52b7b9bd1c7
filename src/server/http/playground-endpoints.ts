import { Hono } from 'hono';
import { matchRoute } from '../../shared/custom-domain.ts';
import type { FunctionEndpoints } from '../../shared/playground-api.ts';
import { param, type HttpDeps } from './context.ts';

/**
 * Where a browser or curl can reach an HTTP function: the FC proxy path on this service, and every
 * custom domain with a route to it (on its own origin, `http://<domain>.localhost:<port>`).
 */
export function playgroundEndpoints(deps: HttpDeps) {
  const api = new Hono();
  api.get('/functions/:service/:function/endpoints', (c) => {
    const service = param(c, 'service');
    const fn = param(c, 'function');
    const origin = new URL(c.req.url).origin;
    const port = new URL(c.req.url).port;
    const customDomains: FunctionEndpoints['customDomains'] = [];
    for (const d of deps.store.customDomains.list()) {
      for (const r of d.routeConfig.routes) {
        if (r.serviceName !== service || r.functionName !== fn) continue;
        // A wildcard route serves its fixed prefix; an exact one its path.
        const path = r.path.includes('*') ? r.path.slice(0, r.path.indexOf('*')) : r.path;
        if (matchRoute(d.routeConfig.routes, path) !== r) continue;
        customDomains.push({ domainName: d.domainName, url: `http://${d.domainName}.localhost${port ? `:${port}` : ''}${path.replace(/\/$/, '')}` });
      }
    }
    const body: FunctionEndpoints = { proxy: `${origin}/2016-08-15/proxy/${encodeURIComponent(service)}/${encodeURIComponent(fn)}`, customDomains };
    return c.json(body);
  });
  return api;
}
