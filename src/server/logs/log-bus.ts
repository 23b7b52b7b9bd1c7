import type { LogLine } from '../../shared/observe.ts';
import type { RecordRepo } from '../store/index.ts';
import type { LiveHub } from './live-hub.ts';
import { createLogBudget } from './log-budget.ts';

export type NewLogLine = Omit<LogLine, 'id'>;

/**
 * Every log line passes here: cut to its invocation's budget (log-budget.ts), stored (written
 * behind, see the record repo) and published live at once. What is kept of a request being
 * collected is also held for `x-fc-log-type: Tail` until the invocation ends (the last 4 KB).
 */
export function createLogBus(opts: { records: RecordRepo; hub: LiveHub }) {
  const collectors = new Map<string, { lines: NewLogLine[]; bytes: number }>();
  const budget = createLogBudget((line) => {
    const c = line.requestId ? collectors.get(line.requestId) : undefined;
    if (c) {
      c.lines.push(line);
      c.bytes += line.text.length + 1;
      // Tail is the last 4 KB: keep a little more than that, never the whole log.
      while (c.bytes > TAIL_KEEP && c.lines.length > 1) c.bytes -= c.lines.shift()!.text.length + 1;
    }
    opts.hub.publish({ type: 'log', line: opts.records.appendLog(line) });
  });
  return {
    emit: budget.offer,
    /** The instance is gone: whatever its log held back is written now. */
    instanceGone: budget.endInstance,
    /** Starts keeping the lines of one request; `end()` returns the last of them and stops. */
    collect(requestId: string) {
      const c = { lines: [] as NewLogLine[], bytes: 0 };
      collectors.set(requestId, c);
      return {
        end: () => {
          budget.endRequest(requestId);
          collectors.delete(requestId);
          return c.lines;
        },
      };
    },
  };
}

const TAIL_KEEP = 16 * 1024;
export type LogBus = ReturnType<typeof createLogBus>;

/** FC's `x-fc-log-result`: base64 of the last 4 KB of the invocation's log. */
export function logTail(lines: { text: string }[], maxBytes = 4096): string {
  const text = lines.map((l) => l.text).join('\n') + '\n';
  const buf = Buffer.from(text, 'utf8');
  return buf.subarray(Math.max(0, buf.length - maxBytes)).toString('base64');
}
