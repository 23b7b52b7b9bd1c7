import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import type { FunctionRevision } from '../scheduler/index.ts';
import type { InvokeResult } from '../invocations/index.ts';
import { header, headerRecord, param, rawBody, requireQualifier, requireService, splitQualifier, type HttpDeps } from './context.ts';
import { functionAt, readVersionOf, runnableAt, serviceAt, type Qualified } from '../resources/qualifiers.ts';
import { INVOCATION_ID_RE, MAX_ASYNC_PAYLOAD } from '../../shared/async-invocation.ts';
import type { Route } from './fc-resources.ts';
import { isHttpTrigger } from '../store/resources.ts';
import { verifySignature } from './signature.ts';
import { hasControlCharacter, isHeaderName } from '../../shared/http-syntax.ts';
import { REQUEST_TRACING_HEADERS } from '../../shared/tracing.ts';

// SPEC §3 limits. FC2-API says 32 MB for sync payloads; SPEC (which decides) says 16 MB.
export const MAX_SYNC_BODY = 16 * 1024 * 1024;
const MAX_HEADER_BYTES = 4096;
const MAX_PATH_BYTES = 4096;

type Revision = { rev: FunctionRevision; maxInstances: number | null };
/** What a service segment and function name resolve to: the qualifier, and a revision per version it routes to. */
type Target = { q: Qualified; serviceName: string; byVersion: Map<string, Revision> };
// Reading and parsing the service, function, alias and on-demand rows cost more than the rest of
// the call's own work; they are kept until the next write to the store.
const targets = new WeakMap<HttpDeps, { generation: number; byName: Map<string, Target> }>();

/**
 * What an invocation runs: the function at the qualifier's version (an alias with
 * additionalVersionWeight picks one per call, by weight), with its instance cap.
 */
export function revisionOf(deps: HttpDeps, serviceSegment: string, functionName: string): Revision {
  const generation = deps.store.generation();
  let cache = targets.get(deps);
  if (cache?.generation !== generation) targets.set(deps, (cache = { generation, byName: new Map() }));
  const key = `${serviceSegment}/${functionName}`;
  let target = cache.byName.get(key);
  if (!target) {
    const { serviceName, qualifier } = splitQualifier(serviceSegment);
    requireService(deps, serviceName);
    const q = requireQualifier(deps, serviceName, qualifier);
    // The function must exist at the qualifier's own version, whichever version a call then takes.
    functionAt(deps.store, serviceName, readVersionOf(q), functionName);
    cache.byName.set(key, (target = { q, serviceName, byVersion: new Map() }));
  }
  const versionId = target.q.kind === 'alias' ? deps.weights.pick(target.serviceName, target.q.alias) : readVersionOf(target.q);
  let found = target.byVersion.get(versionId);
  if (!found) target.byVersion.set(versionId, (found = readRevision(deps, target, functionName, versionId)));
  return found;
}

function readRevision(deps: HttpDeps, target: Target, functionName: string, versionId: string): Revision {
  const { serviceName, q } = target;
  const service = serviceAt(deps.store, serviceName, versionId);
  const fn = runnableAt(deps.store, serviceName, versionId, functionName);
  const onDemand = deps.store.resources.getOnDemand(serviceName, q.qualifier, functionName);
  return {
    rev: { service, fn, qualifier: q.qualifier, versionId, region: deps.region, accountId: deps.accountId },
    maxInstances: onDemand ? onDemand.maximumInstanceCount : null,
  };
}

function send(c: Context, r: InvokeResult) {
  return new Response(r.body.length ? new Uint8Array(r.body) : null, { status: r.statusCode, headers: r.headers });
}

// Hop-by-hop and framing headers (RFC 9110 §7.6.1, SPEC §3): they describe the client's
// connection to fnplay, not a request to the function; forwarded, they confuse the instance's
// keep-alive connection (an Upgrade or Expect left it waiting) and the next caller stalls.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'upgrade', 'expect', 'transfer-encoding', 'te', 'trailer', 'host', 'content-length', 'authorization']);

/** Client headers the function may see: FC strips its own x-fc-* and the hop-by-hop ones (SPEC §3). */
function forwardedHeaders(c: Context): Record<string, string> {
  return forwardableHeaders(headerRecord(c));
}

/** The same, for headers given as data (the playground's request builder): names lower-cased. */
export function forwardableHeaders(given: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(given)) all[k.toLowerCase()] = v;
  const named = new Set((all.connection ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
  const out: Record<string, string> = {};
  let size = 0;
  for (const [k, v] of Object.entries(all)) {
    size += k.length + v.length + 4;
    if (!isHeaderName(k)) throw new FcError('InvalidArgument', `request header name '${printable(k)}' is not a valid HTTP header name`);
    if (hasControlCharacter(v)) throw new FcError('InvalidArgument', `request header '${k}' has a control character in its value`);
    if (k.startsWith('x-fc-') || k.startsWith('proxy-') || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  if (size > MAX_HEADER_BYTES) throw new FcError('InvalidArgument', `request headers exceed 4 KB (${size} bytes)`);
  return out;
}

/**
 * The caller's span context and baggage (src/shared/tracing.ts): the one x-fc-* pair a client
 * sends that the function sees, in its context.tracing. Checked with the other headers (forwardableHeaders).
 */
function tracingHeaders(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of REQUEST_TRACING_HEADERS) {
    const v = header(c, name);
    if (v !== undefined && v !== '') out[name] = v;
  }
  return out;
}

/** A path the instance can be sent: no control characters once decoded (CR/LF would split the request). */
export function checkedPath(subPath: string): string {
  let decoded = subPath;
  try {
    decoded = decodeURIComponent(subPath);
  } catch {
    throw new FcError('InvalidArgument', 'the request path has a malformed percent-encoding');
  }
  if (hasControlCharacter(decoded) || hasControlCharacter(subPath)) throw new FcError('InvalidArgument', 'the request path has a control character (CR, LF, NUL, …) in it');
  return subPath.startsWith('/') ? subPath : '/' + subPath;
}

const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);

export const invokeRoutes: Route[] = [
  {
    method: 'POST', path: '/services/:service/functions/:function/invocations',
    handler: async (c, deps) => {
      const type = (header(c, 'x-fc-invocation-type') ?? 'Sync').toLowerCase();
      if (type === 'async') return acceptAsync(c, deps);
      if (type !== 'sync') throw new FcError('InvalidArgument', `x-fc-invocation-type must be Sync or Async, got '${header(c, 'x-fc-invocation-type')}'`);
      const { rev, maxInstances } = revisionOf(deps, param(c, 'service'), param(c, 'function'));
      const logType = header(c, 'x-fc-log-type') ?? 'None';
      if (logType !== 'Tail' && logType !== 'None') throw new FcError('InvalidArgument', `x-fc-log-type must be Tail or None, got '${logType}'`);
      forwardedHeaders(c); // the 4 KB header limit applies to event invocations too
      const payload = await rawBody(c, MAX_SYNC_BODY, 'payload');
      const result = await deps.invoker.invoke(rev, { type: 'sync', requestId: deps.invoker.newRequestId(), payload, logTail: logType === 'Tail', tracing: tracingHeaders(c) }, maxInstances);
      return send(c, result);
    },
  },
];

/**
 * `x-fc-invocation-type: Async` (SPEC §3, FC2-API §5.2): 202 once the event is committed to the
 * durable queue, which runs it later. The qualifier is checked now and resolved when it runs.
 */
async function acceptAsync(c: Context, deps: HttpDeps) {
  const { serviceName, qualifier } = splitQualifier(param(c, 'service'));
  requireService(deps, serviceName);
  const q = requireQualifier(deps, serviceName, qualifier);
  const fn = functionAt(deps.store, serviceName, readVersionOf(q), param(c, 'function'));
  forwardedHeaders(c); // the 4 KB header limit applies here too
  const id = header(c, 'x-fc-stateful-async-invocation-id');
  if (id !== undefined && (id.length > 128 || !INVOCATION_ID_RE.test(id))) {
    throw new FcError('InvalidArgument', `x-fc-stateful-async-invocation-id must start with a letter or _, hold only letters, digits, _ and -, and be at most 128 characters, got '${printable(id.slice(0, 64))}'`);
  }
  const payload = await rawBody(c, MAX_ASYNC_PAYLOAD, 'payload');
  const functionName = fn.config.functionName;
  const stateful = id !== undefined || deps.store.asyncEvents.getConfig(serviceName, q.qualifier, functionName)?.statefulInvocation === true;
  const requestId = deps.invoker.newRequestId();
  const invocationId = id ?? requestId;
  const seq = deps.asyncQueue.accept({ requestId, invocationId, serviceName, qualifier: q.qualifier, functionName, payload, headers: tracingHeaders(c), stateful, origin: 'api' });
  if (seq === null) throw new FcError('StatefulAsyncInvocationAlreadyExists', `async invocation '${invocationId}' of function '${functionName}' already exists: an invocation id is used once`);
  return new Response(null, { status: 202, headers: { 'x-fc-request-id': requestId, ...(stateful ? { 'x-fc-stateful-async-invocation-id': invocationId } : {}) } });
}

/** How an HTTP invocation arrived: which headers FC adds to the answer depends on it. */
export type HttpEntry = 'proxy' | 'custom-domain';

/**
 * An HTTP function call: through the trigger proxy `ANY /2016-08-15/proxy/{s[.q]}/{f}/{path}`
 * (FC2-API §5.3), an `x-fc-invocation-target` request, or a custom domain route.
 */
export async function httpInvoke(c: Context, deps: HttpDeps, serviceSegment: string, functionName: string, subPath: string, entry: HttpEntry) {
  const url = new URL(c.req.url);
  if (subPath.length + url.search.length > MAX_PATH_BYTES) throw new FcError('InvalidArgument', 'path and query exceed 4 KB');
  const { rev, maxInstances } = revisionOf(deps, serviceSegment, functionName);
  const trigger = deps.store.resources.listTriggers(rev.service.serviceName, functionName).filter(isHttpTrigger).find((t) => t.qualifier === rev.qualifier);
  if (!trigger) throw new FcError('TriggerNotFound', `function '${functionName}' of service '${rev.service.serviceName}' has no HTTP trigger for qualifier ${rev.qualifier}`);
  const method = c.req.method.toUpperCase();
  if (!trigger.triggerConfig.methods.includes(method as never)) {
    throw new FcError('MethodNotAllowed', `method ${method} is not allowed by HTTP trigger '${trigger.triggerName}' (allowed: ${trigger.triggerConfig.methods.join(', ')})`);
  }
  const anonymous = trigger.triggerConfig.authType === 'anonymous';
  if (!anonymous) {
    const query: [string, string][] = [...url.searchParams.entries()];
    verifySignature(deps.keys, method, url.pathname, headerRecord(c), query);
  }
  const headers = forwardedHeaders(c);
  if (entry === 'proxy') headers['x-fc-base-path'] = `/2016-08-15/proxy/${serviceSegment}/${functionName}/`;
  const body = await rawBody(c, MAX_SYNC_BODY, 'request body');
  const path = checkedPath(subPath) + url.search;
  // The log can hold secrets: only a caller who signed the request may ask for its tail.
  const logTail = !anonymous && header(c, 'x-fc-log-type') === 'Tail';
  const result = await deps.invoker.invoke(rev, { type: 'http', requestId: deps.invoker.newRequestId(), method, path, headers, body, logTail, tracing: tracingHeaders(c) }, maxInstances);
  if (entry === 'proxy') {
    // FC's default domain never lets a function's answer render (seed 000 §4.5, seed 001): here
    // that also keeps a function's HTML out of the playground's origin. The function cannot undo it.
    for (const k of Object.keys(result.headers)) if (k.toLowerCase() === 'content-disposition') delete result.headers[k];
    result.headers['content-disposition'] = 'attachment';
  }
  return send(c, result);
}

/** `x-fc-invocation-target: 2016-08-15/proxy/{service}/{function}` on the FC endpoint (seed 000 §5.6). */
export function invocationTarget(value: string): { serviceSegment: string; functionName: string } | null {
  const m = /^\/?2016-08-15\/proxy\/([^/]+)\/([^/]+)\/?$/.exec(value.trim());
  return m ? { serviceSegment: decodeURIComponent(m[1]), functionName: decodeURIComponent(m[2]) } : null;
}
