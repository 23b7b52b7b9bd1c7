import type { FcCredentials } from './fc-signer.ts';

/** Where a load worker sends requests: the FC API (signed) or an instance process directly. */
export interface HttpTarget {
  origin: string;
  /** Connect to this Unix socket instead of the origin's host and port. */
  socketPath?: string;
  path: string;
  body: string;
  headers?: Record<string, string>;
  /** Sign each request as the SDK does for InvokeFunction (`headers` signed with the rest, e.g. `x-fc-invocation-type: Async`). */
  sign?: { creds: FcCredentials; service: string; fn: string; headers?: Record<string, string> };
  /** The status a successful call answers (200 unless set: an async accept answers 202). */
  expectStatus?: number;
  /** Give each request its own x-fc-request-id (what the scheduler does for a direct instance call). */
  uniqueRequestId?: boolean;
}

export type LoadJob =
  | { kind: 'sequential'; target: HttpTarget; count: number; warmup: number }
  | { kind: 'concurrent'; target: HttpTarget; callers: number; durationMs: number; warmupMs: number }
  /** Exactly `count` calls shared by `callers`, each waiting for its answer before the next. */
  | { kind: 'fixed'; target: HttpTarget; callers: number; count: number }
  | { kind: 'sse'; url: string; token: string; expect: number; idleTimeoutMs: number };

export interface SequentialResult {
  latenciesUs: Float64Array;
  errors: number;
  firstError: string | null;
}

export interface ConcurrentResult {
  calls: number;
  errors: number;
  seconds: number;
  latenciesUs: Float64Array;
  firstError: string | null;
}

export interface FixedResult {
  calls: number;
  errors: number;
  /** From the first call sent to the last answer. */
  seconds: number;
  latenciesUs: Float64Array;
  firstError: string | null;
  /** x-fc-request-id of every successful call. */
  requestIds: string[];
  /** Epoch ms of the first call sent and the last answer received. */
  firstSentAt: number;
  lastAnsweredAt: number;
}

export interface SseResult {
  /** Distinct numbered lines received. */
  received: number;
  duplicates: number;
  /** Print-to-delivery delay of every received line, ms. */
  delaysMs: Float64Array;
  /** Epoch ms of the first and last numbered line's arrival. */
  firstAt: number;
  lastAt: number;
  /** Epoch ms at which the first numbered line was printed. */
  firstPrintedAt: number;
}

/** The marker of a numbered log line: `BL <index> <epoch ms with µs>`. */
export const LOG_LINE_RE = /BL (\d+) (\d+\.\d+)/;
