import type { DeployRequest, FcErrorBody, FunctionEndpoints, HttpInvokeRequest, PlaygroundInvokeResponse } from '../../shared/playground-api.ts';
import type { InstanceInfo, InvocationRecord, LogLine } from '../../shared/observe.ts';
import type { ServiceInfo } from '../../shared/sandbox-status.ts';

/** The per-start token fnplay put in the page it served; every /api call carries it. */
export function apiToken(): string {
  return document.querySelector('meta[name="fnplay-token"]')?.getAttribute('content') ?? '';
}

/** A platform error as FC phrases it: `ErrorCode` and `ErrorMessage`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await callWithHeaders<T>(path, init)).body;
}

/** `call` for answers whose headers matter (an async invoke's 202 carries only headers). */
export async function callWithHeaders<T>(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: T }> {
  const res = await fetch(`/api${path}`, { ...init, headers: { 'x-fnplay-token': apiToken(), ...(init.headers ?? {}) } });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = body as FcErrorBody | null;
    throw new ApiError(res.status, err?.ErrorCode ?? 'InternalServerError', err?.ErrorMessage ?? `HTTP ${res.status}`);
  }
  return { status: res.status, headers: res.headers, body: body as T };
}

export interface FunctionView {
  functionName: string;
  runtime: string;
  handler: string;
  codeChecksum: string;
  codeSize: number;
  accelerationInfo: { status: 'Preparing' | 'Ready' | 'Failed'; reason?: string };
  lastModifiedTime: string;
  /** custom-container only: command/args as FC returns them (JSON-array strings) */
  customContainerConfig?: { image: string; command: string; args: string; accelerationType: 'Default' | 'None'; webServerMode: boolean } | null;
}

export const api = {
  info: () => call<ServiceInfo>('/info'),
  endpoints: (service: string, fn: string) => call<FunctionEndpoints>(`/functions/${service}/${fn}/endpoints`),
  /** null while the function is not deployed */
  getFunction: (service: string, fn: string) => call<FunctionView | null>(`/functions/${service}/${fn}`),
  deploy: (req: DeployRequest) => call<FunctionView>('/deploy', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) }),
  invokeEvent: (service: string, fn: string, payload: string) =>
    call<PlaygroundInvokeResponse>(`/invoke/${service}/${fn}`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: payload }),
  invokeHttp: (service: string, fn: string, req: HttpInvokeRequest) =>
    call<PlaygroundInvokeResponse>(`/invoke/${service}/${fn}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) }),
  invocations: (service: string, fn: string) => call<{ invocations: InvocationRecord[] }>(`/functions/${service}/${fn}/invocations`),
  invocation: (requestId: string) => call<InvocationRecord>(`/invocations/${requestId}`),
  logs: (q: { service?: string; function?: string; requestId?: string; instanceId?: string; limit?: number }) =>
    call<{ lines: LogLine[] }>(`/logs?${new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]))}`),
  instances: (service: string, fn: string) => call<{ instances: InstanceInfo[] }>(`/functions/${service}/${fn}/instances`),
  reclaim: (service: string, fn: string) => call<{ ok: true }>(`/functions/${service}/${fn}/reclaim`, { method: 'POST' }),
};
