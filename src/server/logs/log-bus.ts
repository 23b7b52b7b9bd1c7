import type { LogLine } from '../../shared/observe.ts';
import type { RecordRepo } from '../store/index.ts';
import type { LiveHub } from './live-hub.ts';

export type NewLogLine = Omit<LogLine, 'id'>;

/**
 * Every log line passes here: stored (written behind, see the record repo) and published live at
 * once. Lines of requests being collected (for `x-fc-log-type: Tail`) are also kept in memory
 * until the invocation ends.
 */
export function createLogBus(opts: { records: RecordRepo; hub: LiveHub }) {
  const collectors = new Map<string, NewLogLine[]>();
  return {
    emit(line: NewLogLine) {
      if (line.requestId) collectors.get(line.requestId)?.push(line);
      opts.hub.publish({ type: 'log', line: opts.records.appendLog(line) });
    },
    /** Starts keeping the lines of one request; `end()` returns them and stops. */
    collect(requestId: string) {
      const lines: NewLogLine[] = [];
      collectors.set(requestId, lines);
      return {
        end: () => {
          collectors.delete(requestId);
          return lines;
        },
      };
    },
  };
}
export type LogBus = ReturnType<typeof createLogBus>;

/** FC's `x-fc-log-result`: base64 of the last 4 KB of the invocation's log. */
export function logTail(lines: { text: string }[], maxBytes = 4096): string {
  const text = lines.map((l) => l.text).join('\n') + '\n';
  const buf = Buffer.from(text, 'utf8');
  return buf.subarray(Math.max(0, buf.length - maxBytes)).toString('base64');
}
