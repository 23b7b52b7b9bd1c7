import type { Db } from './db.ts';
import type { AsyncEvent, AsyncStatus } from '../../shared/async-invocation.ts';

/** One accepted async event as the queue keeps it (table async_events). */
export interface AsyncEventRow {
  seq: number;
  requestId: string;
  invocationId: string;
  serviceName: string;
  qualifier: string;
  functionName: string;
  payload: Buffer;
  headers: Record<string, string>;
  stateful: boolean;
  origin: 'api' | 'timer' | 'destination';
  status: AsyncStatus;
  attempts: number;
  nextAt: number;
  enqueuedAt: number;
  startedAt: number | null;
  endedAt: number | null;
  result: Buffer | null;
  error: string | null;
  history: AsyncEvent[];
}

export interface AsyncConfigRecord {
  serviceName: string;
  qualifier: string;
  functionName: string;
  maxAsyncEventAgeInSeconds: number | null;
  maxAsyncRetryAttempts: number | null;
  destinationConfig: { onSuccess?: { destination: string } | null; onFailure?: { destination: string } | null } | null;
  statefulInvocation: boolean | null;
  createdTime: string;
  lastModifiedTime: string;
}

export interface AsyncListFilter {
  serviceName: string;
  functionName: string;
  qualifier?: string;
  status?: AsyncStatus;
  startedFrom?: number;
  startedTo?: number;
  invocationIdPrefix?: string;
  statefulOnly?: boolean;
  /** newest first unless 'asc' */
  order: 'asc' | 'desc';
  /** the seq to continue after (paging) */
  after?: number;
  limit: number;
}

type Row = Record<string, unknown>;

function toEvent(r: Row): AsyncEventRow {
  return {
    seq: r.seq as number, requestId: r.request_id as string, invocationId: r.invocation_id as string, serviceName: r.service as string,
    qualifier: r.qualifier as string, functionName: r.function as string, payload: r.payload as Buffer, headers: JSON.parse(r.headers as string),
    stateful: r.stateful === 1, origin: r.origin as AsyncEventRow['origin'], status: r.status as AsyncStatus, attempts: r.attempts as number,
    nextAt: r.next_at as number, enqueuedAt: r.enqueued_at as number, startedAt: (r.started_at as number) ?? null, endedAt: (r.ended_at as number) ?? null,
    result: (r.result as Buffer) ?? null, error: (r.error as string) ?? null, history: JSON.parse(r.history as string),
  };
}

/**
 * The durable queue's table. Every write is a synchronous SQLite commit (WAL): an event the
 * service answered 202 for is on disk before the answer leaves, and survives a kill -9.
 */
export function createAsyncEventRepo(db: Db) {
  const q = {
    insert: db.prepare(`INSERT INTO async_events (request_id, invocation_id, service, qualifier, function, payload, headers, stateful, origin, status, attempts, next_at, enqueued_at, history)
      VALUES (@requestId, @invocationId, @serviceName, @qualifier, @functionName, @payload, @headers, @stateful, @origin, 'Enqueued', 0, @nextAt, @enqueuedAt, @history)`),
    bySeq: db.prepare('SELECT * FROM async_events WHERE seq = ?'),
    byInvocation: db.prepare('SELECT * FROM async_events WHERE service = ? AND function = ? AND invocation_id = ?'),
    byRequest: db.prepare('SELECT * FROM async_events WHERE request_id = ?'),
    // What the queue holds after a restart: everything not final, without the payloads.
    open: db.prepare(`SELECT seq, service, qualifier, function, status, next_at FROM async_events WHERE status IN ('Enqueued', 'Retrying', 'Running', 'Stopping') ORDER BY seq`),
    update: db.prepare(`UPDATE async_events SET status = @status, attempts = @attempts, next_at = @nextAt, started_at = @startedAt, ended_at = @endedAt,
      result = @result, error = @error, history = @history WHERE seq = @seq`),
    getConfig: db.prepare('SELECT * FROM async_configs WHERE service = ? AND qualifier = ? AND function = ?'),
    listConfigs: db.prepare('SELECT * FROM async_configs WHERE service = ? AND function = ? ORDER BY qualifier'),
    allConfigs: db.prepare('SELECT * FROM async_configs'),
    putConfig: db.prepare(`INSERT INTO async_configs (service, qualifier, function, body, created, modified) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT(service, qualifier, function) DO UPDATE SET body = excluded.body, modified = excluded.modified`),
    deleteConfig: db.prepare('DELETE FROM async_configs WHERE service = ? AND qualifier = ? AND function = ?'),
    deleteConfigsOf: db.prepare('DELETE FROM async_configs WHERE service = ? AND function = ?'),
  };
  const toConfig = (r: Row): AsyncConfigRecord => ({
    serviceName: r.service as string, qualifier: r.qualifier as string, functionName: r.function as string, ...JSON.parse(r.body as string),
    createdTime: r.created as string, lastModifiedTime: r.modified as string,
  });

  return {
    /** Commits the event; null when its invocation id is taken already (FC refuses a duplicate). */
    enqueue(e: Pick<AsyncEventRow, 'requestId' | 'invocationId' | 'serviceName' | 'qualifier' | 'functionName' | 'payload' | 'headers' | 'stateful' | 'origin' | 'nextAt' | 'enqueuedAt' | 'history'>): number | null {
      try {
        const r = q.insert.run({ ...e, headers: JSON.stringify(e.headers), stateful: e.stateful ? 1 : 0, history: JSON.stringify(e.history) });
        return Number(r.lastInsertRowid);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return null;
        throw err;
      }
    },
    get: (seq: number) => {
      const r = q.bySeq.get(seq) as Row | undefined;
      return r ? toEvent(r) : null;
    },
    byInvocation: (service: string, fn: string, invocationId: string) => {
      const r = q.byInvocation.get(service, fn, invocationId) as Row | undefined;
      return r ? toEvent(r) : null;
    },
    byRequest: (requestId: string) => {
      const r = q.byRequest.get(requestId) as Row | undefined;
      return r ? toEvent(r) : null;
    },
    /** Every event not final yet, oldest first, without payloads (what a restart puts back in the queue). */
    open: () => (q.open.all() as Row[]).map((r) => ({ seq: r.seq as number, serviceName: r.service as string, qualifier: r.qualifier as string, functionName: r.function as string, status: r.status as AsyncStatus, nextAt: r.next_at as number })),
    /** Writes the event's new state (one synchronous commit). */
    save(e: AsyncEventRow) {
      q.update.run({ seq: e.seq, status: e.status, attempts: e.attempts, nextAt: e.nextAt, startedAt: e.startedAt, endedAt: e.endedAt, result: e.result, error: e.error, history: JSON.stringify(e.history) });
    },
    list(f: AsyncListFilter): AsyncEventRow[] {
      const where = ['service = @serviceName', 'function = @functionName'];
      const params: Record<string, string | number> = { serviceName: f.serviceName, functionName: f.functionName, limit: f.limit };
      const add = (clause: string, key: string, value: string | number | undefined) => {
        if (value === undefined || value === '') return;
        where.push(clause);
        params[key] = value;
      };
      add('qualifier = @qualifier', 'qualifier', f.qualifier);
      add('status = @status', 'status', f.status);
      add('enqueued_at >= @startedFrom', 'startedFrom', f.startedFrom);
      add('enqueued_at <= @startedTo', 'startedTo', f.startedTo);
      add('substr(invocation_id, 1, length(@prefix)) = @prefix', 'prefix', f.invocationIdPrefix);
      add(f.order === 'asc' ? 'seq > @after' : 'seq < @after', 'after', f.after);
      if (f.statefulOnly) where.push('stateful = 1');
      const sql = `SELECT * FROM async_events WHERE ${where.join(' AND ')} ORDER BY seq ${f.order === 'asc' ? 'ASC' : 'DESC'} LIMIT @limit`;
      return (db.prepare(sql).all(params) as Row[]).map(toEvent);
    },

    getConfig: (service: string, qualifier: string, fn: string) => {
      const r = q.getConfig.get(service, qualifier, fn) as Row | undefined;
      return r ? toConfig(r) : null;
    },
    listConfigs: (service: string, fn: string) => (q.listConfigs.all(service, fn) as Row[]).map(toConfig),
    allConfigs: () => (q.allConfigs.all() as Row[]).map(toConfig),
    putConfig(c: AsyncConfigRecord) {
      const { serviceName, qualifier, functionName, createdTime, lastModifiedTime, ...body } = c;
      q.putConfig.run(serviceName, qualifier, functionName, JSON.stringify(body), createdTime, lastModifiedTime);
    },
    deleteConfig: (service: string, qualifier: string, fn: string) => void q.deleteConfig.run(service, qualifier, fn),
    deleteConfigsOf: (service: string, fn: string) => void q.deleteConfigsOf.run(service, fn),
  };
}
export type AsyncEventRepo = ReturnType<typeof createAsyncEventRepo>;
