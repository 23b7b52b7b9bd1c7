import type { AsyncConfigBody, AsyncConfigView, AsyncInvocation, AsyncInvocationList, AsyncStatus } from '../../shared/async-invocation.ts';
import { call, callWithHeaders } from './client.ts';

// Asynchronous invocation through FC 2.0's own routes, served unsigned under /api/fc for the page.
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const seg = encodeURIComponent;
const fnPath = (s: string, f: string) => `/fc/services/${seg(s)}/functions/${seg(f)}`;

/** What a 202 tells: the request id, and the invocation id when the invocation is stateful. */
export interface AsyncAccepted {
  requestId: string;
  invocationId: string | null;
}

export interface AsyncListQuery {
  status?: AsyncStatus | '';
  limit?: number;
}

export const asyncApi = {
  /** `s` may carry a qualifier (`svc.prod`); `invocationId` makes the call stateful. */
  invoke: async (s: string, f: string, payload: string, invocationId?: string): Promise<AsyncAccepted> => {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'x-fc-invocation-type': 'Async' };
    if (invocationId) headers['x-fc-stateful-async-invocation-id'] = invocationId;
    const res = await callWithHeaders<null>(`${fnPath(s, f)}/invocations`, { method: 'POST', headers, body: payload });
    return { requestId: res.headers.get('x-fc-request-id') ?? '', invocationId: res.headers.get('x-fc-stateful-async-invocation-id') };
  },
  list: (s: string, f: string, q: AsyncListQuery = {}) => {
    const params = new URLSearchParams({ includeAll: 'true', limit: String(q.limit ?? 50) });
    if (q.status) params.set('status', q.status);
    return call<AsyncInvocationList>(`${fnPath(s, f)}/stateful-async-invocations?${params}`);
  },
  get: (s: string, f: string, id: string) => call<AsyncInvocation>(`${fnPath(s, f)}/stateful-async-invocations/${seg(id)}`),
  stop: (s: string, f: string, id: string) => call<Record<string, never>>(`${fnPath(s, f)}/stateful-async-invocations/${seg(id)}`, { method: 'PUT' }),

  /** Every qualifier's config: a 200 even when there is none (the single GET answers 404 then). */
  configs: (s: string, f: string) => call<{ configs: AsyncConfigView[] }>(`${fnPath(s, f)}/async-invoke-configs?limit=100`),
  putConfig: (s: string, f: string, body: AsyncConfigBody) => call<AsyncConfigView>(`${fnPath(s, f)}/async-invoke-config`, json('PUT', body)),
  deleteConfig: (s: string, f: string) => call<null>(`${fnPath(s, f)}/async-invoke-config`, { method: 'DELETE' }),

  /** The service's functions: the destinations the form offers. */
  functions: (s: string) => call<{ functions: { functionName: string }[] }>(`/fc/services/${seg(s)}/functions?limit=100`),
};
