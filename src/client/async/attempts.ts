import type { AsyncInvocation, AsyncStatus } from '../../shared/async-invocation.ts';

/** One run of an async invocation, read from its events: when, where, and how it ended. */
export interface AsyncAttempt {
  attempt: number;
  requestId: string;
  startedAt: number;
  endedAt: number | null;
  instanceId: string | null;
  /** the invocation record's status: succeeded, failed, timeout; null while it runs */
  outcome: string | null;
  error: string | null;
}

interface EventDetail {
  requestId?: string;
  attempt?: number;
  instanceId?: string | null;
  outcome?: string;
  error?: string;
  reason?: string;
}

function detailOf(text: string): EventDetail {
  try {
    const d = JSON.parse(text) as unknown;
    return typeof d === 'object' && d !== null ? (d as EventDetail) : {};
  } catch {
    return {};
  }
}

/**
 * The attempts of an invocation: a `Running` event starts one (with its own request id), the next
 * event naming the same attempt ends it (`Retrying`, `Succeeded`, `Failed`, `Stopped`).
 */
export function attemptsOf(inv: Pick<AsyncInvocation, 'events'>): AsyncAttempt[] {
  const attempts = new Map<number, AsyncAttempt>();
  for (const e of inv.events) {
    const d = detailOf(e.eventDetail);
    if (typeof d.attempt !== 'number') continue;
    const a = attempts.get(d.attempt);
    if (!a) {
      attempts.set(d.attempt, {
        attempt: d.attempt, requestId: d.requestId ?? '', startedAt: e.timestamp, endedAt: null,
        instanceId: d.instanceId ?? null, outcome: d.outcome ?? null, error: d.error ?? null,
      });
      continue;
    }
    if (d.outcome === undefined) continue;
    a.endedAt = e.timestamp;
    a.instanceId = d.instanceId ?? a.instanceId;
    a.outcome = d.outcome;
    a.error = d.error ?? null;
  }
  return [...attempts.values()].sort((x, y) => x.attempt - y.attempt);
}

/** Why an invocation ended without an attempt's error (expired, invalid, stopped while waiting). */
export function endReasonOf(inv: Pick<AsyncInvocation, 'events'>): string | null {
  const last = inv.events[inv.events.length - 1];
  return last ? (detailOf(last.eventDetail).reason ?? null) : null;
}

/** Waiting or running: what a stop applies to. */
export const STOPPABLE: readonly AsyncStatus[] = ['Enqueued', 'Running', 'Retrying'];

export const ASYNC_STATUS_BADGE: Record<AsyncStatus, string> = {
  Enqueued: 'badge badge-info',
  Running: 'badge badge-info',
  Retrying: 'badge badge-warn',
  Succeeded: 'badge badge-ok',
  Failed: 'badge badge-err',
  Stopped: 'badge badge-dim',
  Stopping: 'badge badge-dim',
  Expired: 'badge badge-warn',
  Invalid: 'badge badge-err',
};
