import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { matchRoute, type CustomDomain } from '../../shared/custom-domain.ts';
import type { HttpDeps } from './context.ts';
import { httpInvoke } from './fc-invoke.ts';

// A custom domain is served at http://<domainName>.localhost:<port>: browsers resolve *.localhost
// to loopback, and the host makes it an origin of its own, so a function's page there can never
// read the playground's page (and its token) or call /api, which that host does not serve.

const SUFFIX = '.localhost';

/** The custom domain a request's Host names, if any (`api.example.com.localhost:7070`). */
export function customDomainOf(deps: HttpDeps, host: string): CustomDomain | null {
  const colon = host.lastIndexOf(':');
  const name = colon > 0 && !host.endsWith(']') ? host.slice(0, colon) : host;
  const port = name === host ? '' : host.slice(colon);
  if (!name.endsWith(SUFFIX) || !deps.allowedHosts.has(`localhost${port}`)) return null;
  return deps.store.customDomains.get(name.slice(0, -SUFFIX.length));
}

/** Everything on a custom domain's host: its routes to functions, and nothing else of fnplay. */
export function serveCustomDomain(c: Context, deps: HttpDeps, domain: CustomDomain) {
  const path = new URL(c.req.url).pathname;
  const route = matchRoute(domain.routeConfig.routes, path);
  if (!route) throw new FcError('PathNotSupported', `custom domain '${domain.domainName}' has no route for ${path}`);
  const method = c.req.method.toUpperCase();
  if (route.methods?.length && !route.methods.includes(method as never)) {
    throw new FcError('MethodNotAllowed', `method ${method} is not allowed on route ${route.path} of '${domain.domainName}'`);
  }
  const qualifier = route.qualifier && route.qualifier !== 'LATEST' ? `.${route.qualifier}` : '';
  return httpInvoke(c, deps, `${route.serviceName}${qualifier}`, route.functionName, path, 'custom-domain');
}
