import type { LogLine } from '../../shared/observe.ts';
import type { RecordRepo } from '../store/index.ts';
import type { LiveHub } from './live-hub.ts';

export type NewLogLine = Omit<LogLine, 'id'>;

/**
 * Every log line passes here: buffered for one turn of the event loop, written to SQLite in one
 * transaction, then published live. Lines of requests being collected (for `x-fc-log-type: Tail`)
 * are also kept in memory until the invocation ends.
 */
export function createLogBus(opts: { records: RecordRepo; hub: LiveHub; maxStoredLines: number }) {
  const pending: NewLogLine[] = [];
  const collectors = new Map<string, NewLogLine[]>();
  let scheduled = false; // eslint-disable-line -- per-bus state, owned by this closure
  let written = 0;

  function flush() {
    scheduled = false;
    if (pending.length === 0) return;
    const batch = pending.splice(0, pending.length);
    const stored = opts.records.putLogs(batch);
    written += stored.length;
    // Pruning costs a query; doing it every 10k lines keeps the table near its cap without a timer.
    if (written >= 10_000) {
      written = 0;
      opts.records.pruneLogs(opts.maxStoredLines);
    }
    for (const line of stored) opts.hub.publish({ type: 'log', line });
  }

  return {
    emit(line: NewLogLine) {
      pending.push(line);
      if (line.requestId) collectors.get(line.requestId)?.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    /** Starts keeping the lines of one request; `end()` returns them and stops. */
    collect(requestId: string) {
      const lines: NewLogLine[] = [];
      collectors.set(requestId, lines);
      return {
        lines: () => lines,
        end: () => {
          collectors.delete(requestId);
          return lines;
        },
      };
    },
    flush,
  };
}
export type LogBus = ReturnType<typeof createLogBus>;

/** FC's `x-fc-log-result`: base64 of the last 4 KB of the invocation's log. */
export function logTail(lines: { text: string }[], maxBytes = 4096): string {
  const text = lines.map((l) => l.text).join('\n') + '\n';
  const buf = Buffer.from(text, 'utf8');
  return buf.subarray(Math.max(0, buf.length - maxBytes)).toString('base64');
}
