import { Hono, type Context } from 'hono';
import { FcError } from '../errors.ts';
import { header, headerRecord, param, type HttpDeps } from './context.ts';
import { httpInvoke, invocationTarget, invokeRoutes } from './fc-invoke.ts';
import { customDomainRoutes } from './fc-custom-domains.ts';
import { customDomainOf, serveCustomDomain } from './custom-domain-host.ts';
import { codeSignature, resourceRoutes } from './fc-resources.ts';
import { serviceRoutes } from './fc-services.ts';
import { triggerRoutes } from './fc-triggers.ts';
import { releaseRoutes } from './fc-releases.ts';
import { layerRoutes } from './fc-layers.ts';
import { tagRoutes } from './fc-tags.ts';
import { accountRoutes } from './fc-account.ts';
import { asyncRoutes } from './fc-async.ts';
import { playgroundApi } from './playground-api.ts';
import { playgroundEndpoints } from './playground-endpoints.ts';
import { verifySignature, } from './signature.ts';
import { staticUi } from './static-ui.ts';
import { randomUUID } from 'node:crypto';

const FC_PREFIX = '/2016-08-15';

function errorResponse(c: Context, err: unknown) {
  const fc = err instanceof FcError ? err : new FcError('InternalServerError', 'an internal error has occurred. Please retry.');
  if (!(err instanceof FcError)) console.error('fnplay: unexpected error', err);
  return c.json(fc.toBody(), fc.status as 400, { 'x-fc-request-id': c.res.headers.get('x-fc-request-id') ?? randomUUID() });
}

/** Every route of the FC 2.0 API, from the route tables; `signed`: each request must carry the FC signature. */
export const FC_ROUTES = [...serviceRoutes, ...resourceRoutes, ...triggerRoutes, ...releaseRoutes, ...layerRoutes, ...tagRoutes, ...accountRoutes, ...asyncRoutes, ...invokeRoutes, ...customDomainRoutes];

function fcRoutes(deps: HttpDeps, signed: boolean) {
  const fc = new Hono();
  fc.use('*', async (c, next) => {
    if (signed) verifySignature(deps.keys, c.req.method, new URL(c.req.url).pathname, headerRecord(c), null);
    c.header('x-fc-request-id', randomUUID());
    await next();
  });
  for (const r of FC_ROUTES) fc.on(r.method, r.path, (c) => r.handler(c, deps));
  return fc;
}

export function createHttpApp(deps: HttpDeps) {
  const app = new Hono();
  app.onError((err, c) => errorResponse(c, err));
  app.notFound((c) => errorResponse(c, new FcError('PathNotSupported', `${c.req.method} ${new URL(c.req.url).pathname} is not a path fnplay serves`)));

  // Browsers must take every answer (a function's included) as the type it says it is, never sniff
  // a script out of it: set on the finished response, whichever handler or error made it.
  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('x-content-type-options', 'nosniff');
  });
  app.use('*', async (c, next) => {
    const host = (header(c, 'host') ?? '').toLowerCase();
    // A custom domain's own origin serves its routes and nothing else (custom-domain-host.ts).
    const domain = customDomainOf(deps, host);
    if (domain) return serveCustomDomain(c, deps, domain);
    // Against DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own Host.
    if (!deps.allowedHosts.has(host)) throw new FcError('AccessDenied', `host '${host}' is not allowed: fnplay answers only to ${[...deps.allowedHosts][0]}`);
    // `x-fc-invocation-target` routes a request on the FC endpoint to a function (seed 000 §5.6).
    const target = header(c, 'x-fc-invocation-target');
    if (target !== undefined) {
      const t = invocationTarget(target);
      if (!t) throw new FcError('InvalidArgument', `x-fc-invocation-target must be 2016-08-15/proxy/{service}/{function}, got '${target}'`);
      return httpInvoke(c, deps, t.serviceSegment, t.functionName, new URL(c.req.url).pathname, 'proxy');
    }
    await next();
  });

  // The playground API: the per-start token, sent in a header, is checked before any routing.
  // A cross-origin page cannot add that header without a CORS preflight, which fnplay never grants.
  // A request signed with the account's key pair, as the FC API's are, is let in too: that is how
  // the CLI (`fnplay image import`) reaches it, holding the keys but not the page's token. A page
  // can send neither: the authorization header needs a preflight as well, and the secret.
  app.use('/api/*', async (c, next) => {
    if (header(c, 'x-fnplay-token') !== deps.apiToken) {
      if (header(c, 'authorization') === undefined) throw new FcError('Unauthorized', 'the playground API needs the x-fnplay-token header of the page fnplay served, or a request signed with the account\'s access key pair');
      verifySignature(deps.keys, c.req.method, new URL(c.req.url).pathname, headerRecord(c), null);
    }
    await next();
  });
  app.route('/api', playgroundEndpoints(deps));
  app.route('/api', playgroundApi(deps));
  // The FC API's own routes for the page (versions, aliases, layers, provision configs, …): the
  // same handlers, behind the page's token instead of the FC signature.
  app.route('/api/fc', fcRoutes(deps, false));

  // The HTTP trigger proxy checks its own signature (anonymous triggers need none).
  const proxy = (c: Context) => {
    // The raw (still percent-encoded) path: the function gets the path as the client sent it.
    const sub = new URL(c.req.url).pathname.split('/').slice(5).join('/');
    return httpInvoke(c, deps, param(c, 'service'), param(c, 'function'), '/' + sub, 'proxy');
  };
  app.all(`${FC_PREFIX}/proxy/:service/:function`, proxy);
  app.all(`${FC_PREFIX}/proxy/:service/:function/*`, proxy);

  app.route(FC_PREFIX, fcRoutes(deps, true));

  // getFunctionCode's download URL: signed by fnplay itself, valid for an hour.
  app.get('/code/:file', async (c) => {
    const checksum = param(c, 'file').replace(/\.zip$/, '');
    const expires = Number(c.req.query('expires'));
    if (!Number.isFinite(expires) || expires < Date.now() / 1000 || c.req.query('signature') !== codeSignature(deps, checksum, expires)) {
      throw new FcError('AccessDenied', 'the code download link is invalid or expired');
    }
    if (!deps.code.has(checksum)) throw new FcError('FunctionNotFound', `no code with checksum ${checksum}`);
    const zip = await deps.code.read(checksum);
    return new Response(new Uint8Array(zip), { headers: { 'content-type': 'application/zip' } });
  });

  app.route('/', staticUi(deps));
  return app;
}
