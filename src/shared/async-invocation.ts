import { z } from 'zod';

// Asynchronous invocation (SPEC §3, FC2-API §5.2, §5.4, §5.6): the config body, the statuses and the
// stateful invocation object as FC answers them. Shared by the service and the page.

/** FC's statuses of an async invocation (FC2-API §5.6). */
export const ASYNC_STATUSES = ['Enqueued', 'Running', 'Retrying', 'Succeeded', 'Failed', 'Stopped', 'Stopping', 'Expired', 'Invalid'] as const;
export type AsyncStatus = (typeof ASYNC_STATUSES)[number];
export const FINAL_ASYNC_STATUSES: readonly AsyncStatus[] = ['Succeeded', 'Failed', 'Stopped', 'Expired', 'Invalid'];

export const ASYNC_DEFAULTS = { maxAsyncEventAgeInSeconds: 86400, maxAsyncRetryAttempts: 3 } as const;
/** FC's async payload limit (FC2-API §5.2, SPEC §3). */
export const MAX_ASYNC_PAYLOAD = 128 * 1024;

const destination = z.object({ destination: z.string().min(1).max(1024) });
export const asyncConfigBody = z.object({
  maxAsyncEventAgeInSeconds: z.number().int().min(1, 'must be from 1 to 604800 seconds').max(604800, 'must be from 1 to 604800 seconds').nullable().optional(),
  maxAsyncRetryAttempts: z.number().int().min(0, 'must be from 0 to 8').max(8, 'must be from 0 to 8').nullable().optional(),
  destinationConfig: z.object({ onSuccess: destination.nullable().optional(), onFailure: destination.nullable().optional() }).nullable().optional(),
  statefulInvocation: z.boolean().nullable().optional(),
});
export type AsyncConfigBody = z.infer<typeof asyncConfigBody>;

/** `x-fc-stateful-async-invocation-id` (FC2-API §5.2). */
export const INVOCATION_ID_RE = /^[_a-zA-Z][-_a-zA-Z0-9]*$/;

/** One step in an invocation's life (FC's `events`). */
export interface AsyncEvent {
  eventId: number;
  status: AsyncStatus;
  timestamp: number;
  /** JSON text: the attempt's request id, instance, outcome or why the status changed. */
  eventDetail: string;
}

/** FC's StatefulAsyncInvocation object (FC2-API §5.6), plus the origin fnplay records. */
export interface AsyncInvocation {
  invocationId: string;
  requestId: string;
  serviceName: string;
  functionName: string;
  qualifier: string;
  status: AsyncStatus;
  startedTime: number;
  endTime: number | null;
  durationMs: number | null;
  alreadyRetriedTimes: number;
  invocationPayload?: string;
  returnPayload: string | null;
  invocationErrorMessage: string | null;
  events: AsyncEvent[];
  /** how it was accepted: the API (or the page), a timer trigger, or another function's destination */
  origin: 'api' | 'timer' | 'destination';
  stateful: boolean;
}

/** ListStatefulAsyncInvocations' answer (FC2-API §5.6). */
export interface AsyncInvocationList {
  invocations: AsyncInvocation[];
  nextToken?: string;
}

/** GetFunctionAsyncInvokeConfig's answer (FC2-API §5.4): unset fields are null. */
export interface AsyncConfigView {
  service: string;
  function: string;
  qualifier: string;
  createdTime: string;
  lastModifiedTime: string;
  maxAsyncEventAgeInSeconds: number | null;
  maxAsyncRetryAttempts: number | null;
  destinationConfig: { onSuccess: { destination: string } | null; onFailure: { destination: string } | null } | null;
  statefulInvocation: boolean | null;
}
