import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { isoNow, newEtag, parseBody } from '../resources/function-ops.ts';
import type { TriggerRecord } from '../store/index.ts';
import { deployRequest, httpInvokeRequest, type PlaygroundInvokeResponse } from '../../shared/playground-api.ts';
import { jsonBody, param, rawBody, requireService, type HttpDeps } from './context.ts';
import { MAX_SYNC_BODY, revisionOf } from './fc-invoke.ts';
import { functionView } from './views.ts';
import { FcError } from '../errors.ts';

const TRIGGER_NAME = 'http-trigger';

/** Deploy and invoke for the browser, which holds no FC key pair: the same operations as the FC API. */
export function registerDeployRoutes(api: Hono, deps: HttpDeps) {
  api.put('/deploy', async (c) => {
    const req = parseBody(deployRequest, await jsonBody(c));
    const { resources } = deps.store;
    if (!resources.getService(req.serviceName)) {
      const now = isoNow();
      resources.putService({ serviceName: req.serviceName, serviceId: randomUUID(), description: '', role: '', internetAccess: true, logConfig: { project: '', logstore: '' }, createdTime: now, lastModifiedTime: now, etag: newEtag() });
    }
    const service = requireService(deps, req.serviceName);
    const prev = resources.getFunction(req.serviceName, req.function.functionName);
    const body = { ...req.function, ...(req.zipFile ? { code: { zipFile: req.zipFile } } : {}) };
    if (!prev && !req.zipFile) throw new FcError('InvalidArgument', 'zipFile: the first deploy of a function needs its code');
    const fn = prev ? await deps.functions.update(prev, body) : await deps.functions.create(service, body);
    syncTrigger(deps, req.serviceName, fn.config.functionName, req.httpTrigger);
    return c.json(functionView(fn));
  });

  api.post('/invoke/:service/:function', async (c) => {
    const { rev, maxInstances } = revisionOf(deps, param(c, 'service'), param(c, 'function'));
    const service = rev.service;
    const fn = rev.fn;
    const requestId = deps.invoker.newRequestId();
    const isHttp = deps.store.resources.listTriggers(service.serviceName, fn.config.functionName).length > 0;
    let result;
    if (isHttp) {
      const h = parseBody(httpInvokeRequest, await jsonBody(c));
      const qs = new URLSearchParams(h.query).toString();
      const headers: Record<string, string> = {};
      for (const [k, v] of h.headers) if (k && !k.toLowerCase().startsWith('x-fc-')) headers[k.toLowerCase()] = v;
      headers['x-fc-base-path'] = `/2016-08-15/proxy/${service.serviceName}/${fn.config.functionName}/`;
      const path = (h.path.startsWith('/') ? h.path : `/${h.path}`) + (qs ? `?${qs}` : '');
      result = await deps.invoker.invoke(rev, { type: 'http', requestId, method: h.method, path, headers, body: Buffer.from(h.bodyBase64, 'base64'), logTail: false }, maxInstances);
    } else {
      const payload = await rawBody(c, MAX_SYNC_BODY, 'payload');
      result = await deps.invoker.invoke(rev, { type: 'sync', requestId, payload, logTail: false }, maxInstances);
    }
    const out: PlaygroundInvokeResponse = { statusCode: result.statusCode, headers: result.headers, bodyBase64: result.body.toString('base64'), record: result.record };
    return c.json(out);
  });
}

/** An HTTP function has exactly one HTTP trigger; an event function none. */
function syncTrigger(deps: HttpDeps, service: string, fn: string, want: DeployTrigger) {
  const { resources } = deps.store;
  const existing = resources.listTriggers(service, fn);
  if (!want) {
    for (const t of existing) resources.deleteTrigger(service, fn, t.triggerName);
    return;
  }
  const now = isoNow();
  const prev = existing[0];
  const t: TriggerRecord = prev
    ? { ...prev, triggerConfig: want, lastModifiedTime: now, etag: newEtag() }
    : { serviceName: service, functionName: fn, triggerName: TRIGGER_NAME, triggerId: randomUUID(), triggerType: 'http', triggerConfig: want, qualifier: 'LATEST', description: '', sourceArn: null, invocationRole: null, createdTime: now, lastModifiedTime: now, etag: newEtag() };
  resources.putTrigger(t);
}
type DeployTrigger = import('../../shared/playground-api.ts').DeployRequest['httpTrigger'];
