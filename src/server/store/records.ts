import type { Db } from './db.ts';
import type { InvocationRecord, LogLine } from '../../shared/observe.ts';

export interface LogQuery {
  serviceName?: string;
  functionName?: string;
  requestId?: string;
  instanceId?: string;
  afterId?: number;
  limit?: number;
}

const FLUSH_DELAY_MS = 25;
const FLUSH_AT_ITEMS = 5000;
const PRUNE_EVERY_LINES = 10_000;

/**
 * Invocation records (execution summaries) and log lines, written behind: a write is queued and
 * the queue goes to SQLite in one transaction 25 ms later (or at 5000 items). A commit per
 * invocation cost more than the rest of a warm call together; batching makes it a fraction.
 * Log lines get their id here, at once, so that they can be published live before they are
 * written. Every read flushes first, so reads always see every write before them.
 */
export function createRecordRepo(db: Db, opts: { maxStoredLines: number; maxStoredBytes: number }) {
  const q = {
    putInvocation: db.prepare('INSERT OR REPLACE INTO invocations (request_id, service, function, start_time, record) VALUES (?, ?, ?, ?, ?)'),
    getInvocation: db.prepare('SELECT record FROM invocations WHERE request_id = ?'),
    listInvocations: db.prepare('SELECT record FROM invocations WHERE service = ? AND function = ? ORDER BY start_time DESC LIMIT ?'),
    putLog: db.prepare(`INSERT INTO logs (id, time, service, function, qualifier, instance_id, request_id, level, source, text)
      VALUES (@id, @time, @serviceName, @functionName, @qualifier, @instanceId, @requestId, @level, @source, @text)`),
    lastLogId: db.prepare(`SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'logs'), 0), coalesce((SELECT max(id) FROM logs), 0)) AS id`),
    countLogs: db.prepare('SELECT max(id) - min(id) + 1 AS n, min(id) AS first FROM logs'),
    pruneLogs: db.prepare('DELETE FROM logs WHERE id < ?'),
    logBytes: db.prepare('SELECT coalesce(sum(length(text)), 0) AS n FROM logs'),
    oldestLogs: db.prepare('SELECT id, length(text) AS n FROM logs WHERE id > ? ORDER BY id LIMIT 5000'),
  };

  let lastId = (q.lastLogId.get() as { id: number }).id;
  const pendingLogs: LogLine[] = [];
  const pendingInvocations = new Map<string, InvocationRecord>();
  let timer: NodeJS.Timeout | null = null;
  let sincePrune = 0;
  // Text bytes of the stored log: the volume cap is in bytes, as a line count says nothing of size.
  let storedBytes = (q.logBytes.get() as { n: number }).n;

  const write = db.transaction(() => {
    for (const l of pendingLogs) q.putLog.run(l);
    for (const rec of pendingInvocations.values()) q.putInvocation.run(rec.requestId, rec.serviceName, rec.functionName, rec.startTime, JSON.stringify(rec));
  });

  let closed = false;

  function flush() {
    if (timer) clearTimeout(timer);
    timer = null;
    // After close, what still trickles in (an instance's last lines as it is stopped) has nowhere to go.
    if (closed) {
      pendingLogs.length = 0;
      pendingInvocations.clear();
      return;
    }
    if (pendingLogs.length === 0 && pendingInvocations.size === 0) return;
    write();
    sincePrune += pendingLogs.length;
    for (const l of pendingLogs) storedBytes += l.text.length;
    pendingLogs.length = 0;
    pendingInvocations.clear();
    // Pruning costs a query; doing it every 10k lines keeps the table near its cap without its own timer.
    if (sincePrune >= PRUNE_EVERY_LINES) {
      sincePrune = 0;
      const r = q.countLogs.get() as { n: number | null; first: number | null };
      if (r.n && r.first !== null && r.n > opts.maxStoredLines) {
        q.pruneLogs.run(r.first + (r.n - opts.maxStoredLines));
        storedBytes = (q.logBytes.get() as { n: number }).n;
      }
    }
    if (storedBytes > opts.maxStoredBytes) pruneToBytes(Math.floor(opts.maxStoredBytes * 0.9));
  }

  /** Drops the oldest log lines until the stored text is under `target` bytes; records stay. */
  function pruneToBytes(target: number) {
    let drop = storedBytes - target;
    let after = 0;
    while (drop > 0) {
      const rows = q.oldestLogs.all(after) as { id: number; n: number }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        after = row.id;
        drop -= row.n;
        storedBytes -= row.n;
        if (drop <= 0) break;
      }
    }
    q.pruneLogs.run(after + 1);
  }

  function queued() {
    if (pendingLogs.length + pendingInvocations.size >= FLUSH_AT_ITEMS) flush();
    else timer ??= setTimeout(flush, FLUSH_DELAY_MS).unref();
  }

  const toLine = (r: Record<string, unknown>): LogLine => ({
    id: r.id as number, time: r.time as string, serviceName: r.service as string, functionName: r.function as string,
    qualifier: r.qualifier as string, instanceId: (r.instance_id as string) ?? null, requestId: (r.request_id as string) ?? null,
    level: r.level as string, source: r.source as LogLine['source'], text: r.text as string,
  });

  return {
    putInvocation(rec: InvocationRecord) {
      pendingInvocations.set(rec.requestId, rec);
      queued();
    },
    /** Queues one line and gives it its id (ids only grow, also across restarts and pruning). */
    appendLog(line: Omit<LogLine, 'id'>): LogLine {
      const stored = { ...line, id: ++lastId };
      pendingLogs.push(stored);
      queued();
      return stored;
    },
    getInvocation(requestId: string): InvocationRecord | null {
      flush();
      const r = q.getInvocation.get(requestId) as { record: string } | undefined;
      return r ? JSON.parse(r.record) : null;
    },
    listInvocations(service: string, fn: string, limit = 100): InvocationRecord[] {
      flush();
      return (q.listInvocations.all(service, fn, limit) as { record: string }[]).map((r) => JSON.parse(r.record));
    },
    queryLogs(f: LogQuery): LogLine[] {
      flush();
      const where: string[] = [];
      const args: unknown[] = [];
      if (f.serviceName) (where.push('service = ?'), args.push(f.serviceName));
      if (f.functionName) (where.push('function = ?'), args.push(f.functionName));
      if (f.requestId) (where.push('request_id = ?'), args.push(f.requestId));
      if (f.instanceId) (where.push('instance_id = ?'), args.push(f.instanceId));
      if (f.afterId) (where.push('id > ?'), args.push(f.afterId));
      const limit = Math.min(Math.max(f.limit ?? 1000, 1), 10000);
      // Newest `limit` lines, returned oldest first.
      const sql = `SELECT * FROM (SELECT * FROM logs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ${limit}) ORDER BY id`;
      return (db.prepare(sql).all(...args) as Record<string, unknown>[]).map(toLine);
    },
    /** Writes everything queued now (before a read elsewhere, and at close). */
    flush,
    /** Writes what is queued, then takes nothing more (the store is closing). */
    close() {
      flush();
      closed = true;
    },
  };
}
export type RecordRepo = ReturnType<typeof createRecordRepo>;
