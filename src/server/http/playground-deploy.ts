import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { isoNow, newEtag, parseBody } from '../resources/function-ops.ts';
import type { ServiceRecord } from '../store/index.ts';
import { isHttpTrigger, type HttpTriggerRecord } from '../store/resources.ts';
import { deployRequest, httpInvokeRequest, type PlaygroundInvokeResponse } from '../../shared/playground-api.ts';
import { jsonBody, param, rawBody, requireService, type HttpDeps } from './context.ts';
import { checkedPath, forwardableHeaders, MAX_SYNC_BODY, revisionOf } from './fc-invoke.ts';
import { functionView } from './views.ts';
import { FcError } from '../errors.ts';
import { isContainerRuntime } from '../../shared/function-config.ts';

const TRIGGER_NAME = 'http-trigger';

/** Deploy and invoke for the browser, which holds no FC key pair: the same operations as the FC API. */
export function registerDeployRoutes(api: Hono, deps: HttpDeps) {
  // All of a deploy or none of it: what can be refused without writing is checked first, and a
  // function part that fails takes back the service this deploy created for it.
  api.put('/deploy', async (c) => {
    const req = parseBody(deployRequest, await jsonBody(c));
    const { resources } = deps.store;
    // 1. refusals that need no write
    const prev = resources.getFunction(req.serviceName, req.function.functionName);
    // A custom-container function runs its image: it has no code to send.
    const container = isContainerRuntime(req.function.runtime);
    if (!prev && !req.zipFile && !container) throw new FcError('InvalidArgument', 'zipFile: the first deploy of a function needs its code');
    const body = { ...req.function, ...(req.zipFile && !container ? { code: { zipFile: req.zipFile } } : {}) };
    // 2. the service, on its first deploy
    const created = resources.getService(req.serviceName) ? null : createService(deps, req.serviceName);
    // 3. the function: create or update validate all of it (code included) before they write
    let fn;
    try {
      const service = requireService(deps, req.serviceName);
      fn = prev ? await deps.functions.update(prev, body) : await deps.functions.create(service, body);
    } catch (err) {
      if (created) takeBack(deps, created);
      throw err;
    }
    // 4. the trigger, whose config the schema has checked
    syncTrigger(deps, req.serviceName, fn.config.functionName, req.httpTrigger);
    return c.json(functionView(fn));
  });

  api.post('/invoke/:service/:function', async (c) => {
    const { rev, maxInstances } = revisionOf(deps, param(c, 'service'), param(c, 'function'));
    const service = rev.service;
    const fn = rev.fn;
    const requestId = deps.invoker.newRequestId();
    const isHttp = deps.store.resources.listTriggers(service.serviceName, fn.config.functionName).some(isHttpTrigger);
    let result;
    if (isHttp) {
      const h = parseBody(httpInvokeRequest, await jsonBody(c));
      const qs = new URLSearchParams(h.query).toString();
      // The same checks as the proxy's: nothing a client sends may stall the instance's connection.
      const headers = forwardableHeaders(Object.fromEntries(h.headers.filter(([k]) => k)));
      headers['x-fc-base-path'] = `/2016-08-15/proxy/${service.serviceName}/${fn.config.functionName}/`;
      const path = checkedPath(h.path) + (qs ? `?${qs}` : '');
      result = await deps.invoker.invoke(rev, { type: 'http', requestId, method: h.method, path, headers, body: Buffer.from(h.bodyBase64, 'base64'), logTail: false }, maxInstances);
    } else {
      const payload = await rawBody(c, MAX_SYNC_BODY, 'payload');
      result = await deps.invoker.invoke(rev, { type: 'sync', requestId, payload, logTail: false }, maxInstances);
    }
    const out: PlaygroundInvokeResponse = { statusCode: result.statusCode, headers: result.headers, bodyBase64: result.body.toString('base64'), record: result.record };
    return c.json(out);
  });
}

function createService(deps: HttpDeps, serviceName: string): ServiceRecord {
  const now = isoNow();
  const s: ServiceRecord = { serviceName, serviceId: randomUUID(), description: '', role: '', internetAccess: true, logConfig: { project: '', logstore: '' }, createdTime: now, lastModifiedTime: now, etag: newEtag() };
  deps.store.resources.putService(s);
  return s;
}

/** Deletes a service this deploy created, unless another request has since put a function in it or replaced it. */
function takeBack(deps: HttpDeps, created: ServiceRecord) {
  const { resources } = deps.store;
  const now = resources.getService(created.serviceName);
  if (now?.serviceId === created.serviceId && resources.countFunctions(created.serviceName) === 0) resources.deleteService(created.serviceName);
}

/** An HTTP function has exactly one HTTP trigger; an event function none. Timer triggers are the FC API's to manage: kept. */
function syncTrigger(deps: HttpDeps, service: string, fn: string, want: DeployTrigger) {
  const { resources } = deps.store;
  const existing = resources.listTriggers(service, fn).filter(isHttpTrigger);
  if (!want) {
    for (const t of existing) resources.deleteTrigger(service, fn, t.triggerName);
    return;
  }
  const now = isoNow();
  const prev = existing[0];
  const t: HttpTriggerRecord = prev
    ? { ...prev, triggerConfig: want, lastModifiedTime: now, etag: newEtag() }
    : { serviceName: service, functionName: fn, triggerName: TRIGGER_NAME, triggerId: randomUUID(), triggerType: 'http', triggerConfig: want, qualifier: 'LATEST', description: '', sourceArn: null, invocationRole: null, createdTime: now, lastModifiedTime: now, etag: newEtag() };
  resources.putTrigger(t);
}
type DeployTrigger = import('../../shared/playground-api.ts').DeployRequest['httpTrigger'];
