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

/** Invocation records (execution summaries) and log lines. */
export function createRecordRepo(db: Db) {
  const q = {
    putInvocation: db.prepare('INSERT OR REPLACE INTO invocations (request_id, service, function, start_time, record) VALUES (?, ?, ?, ?, ?)'),
    getInvocation: db.prepare('SELECT record FROM invocations WHERE request_id = ?'),
    listInvocations: db.prepare('SELECT record FROM invocations WHERE service = ? AND function = ? ORDER BY start_time DESC LIMIT ?'),
    putLog: db.prepare(`INSERT INTO logs (time, service, function, qualifier, instance_id, request_id, level, source, text)
      VALUES (@time, @serviceName, @functionName, @qualifier, @instanceId, @requestId, @level, @source, @text)`),
    countLogs: db.prepare('SELECT max(id) - min(id) + 1 AS n, min(id) AS first FROM logs'),
    pruneLogs: db.prepare('DELETE FROM logs WHERE id < ?'),
  };

  const toLine = (r: Record<string, unknown>): LogLine => ({
    id: r.id as number, time: r.time as string, serviceName: r.service as string, functionName: r.function as string,
    qualifier: r.qualifier as string, instanceId: (r.instance_id as string) ?? null, requestId: (r.request_id as string) ?? null,
    level: r.level as string, source: r.source as LogLine['source'], text: r.text as string,
  });

  return {
    putInvocation: (rec: InvocationRecord) =>
      void q.putInvocation.run(rec.requestId, rec.serviceName, rec.functionName, rec.startTime, JSON.stringify(rec)),
    getInvocation(requestId: string): InvocationRecord | null {
      const r = q.getInvocation.get(requestId) as { record: string } | undefined;
      return r ? JSON.parse(r.record) : null;
    },
    listInvocations(service: string, fn: string, limit = 100): InvocationRecord[] {
      return (q.listInvocations.all(service, fn, limit) as { record: string }[]).map((r) => JSON.parse(r.record));
    },
    /** Writes a batch in one transaction and gives each line its id. */
    putLogs: db.transaction((lines: Omit<LogLine, 'id'>[]): LogLine[] =>
      lines.map((l) => ({ ...l, id: Number(q.putLog.run(l).lastInsertRowid) })),
    ),
    queryLogs(f: LogQuery): LogLine[] {
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
    /** Keeps the newest `keep` log lines. Invocation records live in their own table and are never pruned here. */
    pruneLogs(keep: number) {
      const r = q.countLogs.get() as { n: number | null; first: number | null };
      if (r.n && r.first !== null && r.n > keep) q.pruneLogs.run(r.first + (r.n - keep));
    },
  };
}
export type RecordRepo = ReturnType<typeof createRecordRepo>;
