import type { AsyncStatus } from './async-invocation.ts';
// Shapes the playground API and its SSE stream send to the browser.

export const INSTANCE_STATES = ['Starting', 'Initializing', 'Idle', 'Busy', 'Frozen', 'Stopping', 'Destroyed', 'Failed'] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

export interface InstanceInfo {
  instanceId: string;
  serviceName: string;
  functionName: string;
  qualifier: string;
  /** The version the instance runs ('LATEST' or a version id): instances belong to one version. */
  versionId: string;
  revision: string;
  /** Started ahead of traffic for a provision config (never reclaimed for idleness). */
  provisioned: boolean;
  state: InstanceState;
  inFlight: number;
  concurrency: number;
  pid: number | null;
  startedAt: string;
  lastUsedAt: string | null;
}

export type LogSource = 'system' | 'stdout' | 'stderr' | 'logger';
export interface LogLine {
  id: number;
  time: string;
  serviceName: string;
  functionName: string;
  qualifier: string;
  instanceId: string | null;
  requestId: string | null;
  level: string;
  source: LogSource;
  text: string;
}

export type InvocationStatus = 'succeeded' | 'failed' | 'timeout' | 'throttled';
/** `timer`: an event invocation made by a timer trigger (FC's timer event as the payload). */
export type InvocationType = 'sync' | 'async' | 'http' | 'timer';

/** The execution summary of one invocation (SPEC §3). */
export interface InvocationRecord {
  requestId: string;
  serviceName: string;
  functionName: string;
  qualifier: string;
  versionId: string;
  instanceId: string | null;
  coldStart: boolean;
  initReport: { pullCodeMs: number; initRuntimeMs: number; initFunctionMs: number } | null;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  codeChecksum: string;
  status: InvocationStatus;
  errorType: string | null;
  invocationType: InvocationType;
  payloadBytes: number;
  responseBytes: number;
  statusCode: number;
  startTime: string;
  endTime: string;
  gbSeconds: number;
  warning: string | null;
}

export type AccelerationStatus = 'Preparing' | 'Ready' | 'Failed';

/** How far a container image's preparation is: pulling it, or unpacking its layers (bytes uncompressed). */
export interface AccelerationProgress {
  phase: 'pulling' | 'unpacking';
  layersDone?: number;
  layers?: number;
  bytesDone?: number;
  bytes?: number;
}

export type LiveEvent =
  | { type: 'log'; line: LogLine }
  | { type: 'instance'; instance: InstanceInfo }
  | { type: 'acceleration'; serviceName: string; functionName: string; codeChecksum: string; status: AccelerationStatus; reason: string | null; progress?: AccelerationProgress }
  | { type: 'invocation'; record: InvocationRecord }
  /** An image no function used any more was removed after its grace (its disk freed). */
  | { type: 'image-removed'; digest: string; freedBytes: number }
  /** An async event changed state (accepted, running, retrying, done). */
  | { type: 'async'; serviceName: string; functionName: string; qualifier: string; requestId: string; invocationId: string; status: AsyncStatus; attempts: number };
