import { join } from 'node:path';
import Database from 'better-sqlite3';

/** One accepted async event as the queue's table holds it (the columns the bench reads). */
export interface AsyncEventTimes {
  requestId: string;
  status: string;
  attempts: number;
  enqueuedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** Statuses of its history, oldest first. */
  statuses: string[];
  /** An attempt was under way when the service died (the queue's recovery says so in the history). */
  lostMidRun: boolean;
}

/**
 * The async queue's table of a service's data dir, read directly (read-only, WAL, from this
 * process): cheaper than paging ListStatefulAsyncInvocations while the service drains, and the
 * only view of a service that was killed. Opened per read, so a service that restarts on the same
 * data dir never sees this process hold its database.
 */
export function asyncEventsOf(dataDir: string) {
  const read = <T>(f: (db: Database.Database) => T): T => {
    const db = new Database(join(dataDir, 'fnplay.db'), { readonly: true, fileMustExist: true });
    try {
      return f(db);
    } finally {
      db.close();
    }
  };
  return {
    /** A function's events per status, e.g. `{ Succeeded: 812, Enqueued: 9188 }`. */
    counts: (service: string, fn: string): Record<string, number> =>
      read((db) => Object.fromEntries((db.prepare('SELECT status, count(*) AS n FROM async_events WHERE service = ? AND function = ? GROUP BY status').all(service, fn) as { status: string; n: number }[]).map((r) => [r.status, r.n]))),
    /** Every event of a function, oldest first, without payloads or results. */
    rows: (service: string, fn: string): AsyncEventTimes[] =>
      read((db) =>
        (db.prepare('SELECT request_id, status, attempts, enqueued_at, started_at, ended_at, history FROM async_events WHERE service = ? AND function = ? ORDER BY seq').all(service, fn) as Record<string, unknown>[]).map((r) => {
          const history = JSON.parse(r.history as string) as { status: string; eventDetail: string }[];
          return {
            requestId: r.request_id as string, status: r.status as string, attempts: r.attempts as number,
            enqueuedAt: r.enqueued_at as number, startedAt: (r.started_at as number) ?? null, endedAt: (r.ended_at as number) ?? null,
            statuses: history.map((h) => h.status),
            lostMidRun: history.some((h) => h.eventDetail.includes('the service stopped while the event ran')),
          };
        }),
      ),
  };
}

/**
 * What a run of accepted events came to, checked against the request ids the 202s gave: each
 * accepted id present once, Succeeded, with exactly one end and nothing after it.
 */
export function auditEvents(rows: AsyncEventTimes[], accepted: string[]) {
  const byId = new Map<string, number>();
  for (const r of rows) byId.set(r.requestId, (byId.get(r.requestId) ?? 0) + 1);
  const missing = accepted.filter((id) => !byId.has(id)).length;
  const duplicated = [...byId.values()].filter((n) => n > 1).length;
  const acceptedSet = new Set(accepted);
  const unexpected = rows.filter((r) => !acceptedSet.has(r.requestId)).length;
  const notSucceeded = rows.filter((r) => r.status !== 'Succeeded').length;
  const endedTwice = rows.filter((r) => r.statuses.filter((s) => s === 'Succeeded' || s === 'Failed').length !== 1 || r.statuses[r.statuses.length - 1] !== r.status).length;
  const reRun = rows.filter((r) => r.attempts > 1).length;
  const lostMidRun = rows.filter((r) => r.lostMidRun).length;
  const ok = missing === 0 && duplicated === 0 && unexpected === 0 && notSucceeded === 0 && endedTwice === 0 && rows.length === accepted.length;
  const text = `${rows.length} rows for ${accepted.length} accepted; missing ${missing}, duplicated ${duplicated}, not accepted ${unexpected}, not Succeeded ${notSucceeded}, ended other than once ${endedTwice}; run more than once ${reRun} (attempt lost at the kill ${lostMidRun})`;
  return { ok, missing, duplicated, unexpected, notSucceeded, endedTwice, reRun, lostMidRun, text };
}

/** Completions per second over [from, to] epoch ms, from the events' end times. */
export function completionsBetween(rows: AsyncEventTimes[], from: number, to: number) {
  const n = rows.filter((r) => r.endedAt !== null && r.endedAt > from && r.endedAt <= to).length;
  return { n, perSec: to > from ? n / ((to - from) / 1000) : NaN };
}
