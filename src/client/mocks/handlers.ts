import { http, HttpResponse } from 'msw';
import type { FunctionView } from '../api/client.ts';
import type { SandboxStatus, ServiceInfo } from '../../shared/sandbox-status.ts';
import { FUNCTION, makeImageList } from './fixtures.ts';

/** FC's error body, as the service answers platform errors. */
export const fcError = (status: number, code: string, message: string) =>
  HttpResponse.json({ ErrorCode: code, ErrorMessage: message }, { status });

export function makeFunctionView(patch: Partial<FunctionView> = {}): FunctionView {
  return {
    functionName: FUNCTION,
    runtime: 'nodejs18',
    handler: 'index.handler',
    codeChecksum: '123',
    codeSize: 300,
    accelerationInfo: { status: 'Ready' },
    lastModifiedTime: '2025-01-01T10:00:00Z',
    ...patch,
  };
}

export const serviceInfo = (sandbox: Partial<SandboxStatus> = {}): ServiceInfo => ({
  accountId: '1234567890123456', region: 'cn-hangzhou', accessKeyId: 'LTAItest', maxInstances: 300,
  sandbox: { kind: 'bwrap', cgroup: 'v1', network: 'slirp4netns', notices: [], ...sandbox },
});

/**
 * A quiet, empty service: a deployed, accelerated function with no invocations, logs or
 * instances. Tests override the routes they are about with `server.use(...)`.
 */
export const handlers = [
  http.get('/api/info', () => HttpResponse.json(serviceInfo())),
  http.get('/api/functions/:service/:function/endpoints', ({ params }) => HttpResponse.json({ proxy: `http://127.0.0.1:7070/2016-08-15/proxy/${params.service}/${params.function}`, customDomains: [] })),
  http.get('/api/functions/:service/:function', () => HttpResponse.json(makeFunctionView())),
  http.get('/api/functions/:service/:function/invocations', () => HttpResponse.json({ invocations: [] })),
  http.get('/api/functions/:service/:function/instances', () => HttpResponse.json({ instances: [] })),
  http.post('/api/functions/:service/:function/reclaim', () => HttpResponse.json({ ok: true })),
  http.get('/api/invocations/:requestId', ({ params }) => fcError(404, 'InvocationNotFound', `invocation '${String(params.requestId)}' does not exist`)),
  http.get('/api/logs', () => HttpResponse.json({ lines: [] })),
  // an empty image store: tests that are about images serve their own
  http.get('/api/images', () => HttpResponse.json(makeImageList())),
  http.post('/api/images/import', () => fcError(400, 'InvalidArgument', 'the body is not an image archive')),
  http.post('/api/images/pull', () => fcError(404, 'ImageNotFound', 'no such image')),
  http.delete('/api/images/:digest', () => fcError(404, 'ImageNotFound', 'no such image')),
  // no versions, aliases, provision configs, layers or timers: tests about releases serve their own
  http.get('/api/fc/services/:service/versions', () => HttpResponse.json({ versions: [], direction: 'BACKWARD' })),
  http.get('/api/fc/services/:service/aliases', () => HttpResponse.json({ aliases: [] })),
  http.get('/api/fc/services/:service/functions/:function/provision-config', ({ params }) =>
    HttpResponse.json({ resource: `1234567890123456#${String(params.service).replace('.', '#')}#${String(params.function)}`, target: 0, current: 0 })),
  http.get('/api/fc/layers', () => HttpResponse.json({ layers: [] })),
  http.get('/api/functions/:service/:function/timers', () => HttpResponse.json({ timers: [] })),
  // no async invocations or configs; the service holds just the function being edited
  http.get('/api/fc/services/:service/functions/:function/stateful-async-invocations', () => HttpResponse.json({ invocations: [] })),
  http.get('/api/fc/services/:service/functions/:function/async-invoke-configs', () => HttpResponse.json({ configs: [] })),
  http.get('/api/fc/services/:service/functions', () => HttpResponse.json({ functions: [{ functionName: FUNCTION }] })),
];
