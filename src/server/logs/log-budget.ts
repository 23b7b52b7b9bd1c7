import type { NewLogLine } from './log-bus.ts';

/**
 * Bytes of log kept per invocation: the first HEAD_BYTES as they come (stored and streamed live),
 * then only the last TAIL_BYTES, held back and written after one line that says what was cut,
 * when the invocation's End marker arrives. FC keeps a bounded log per invocation too (its log
 * service cuts what is past its limit); keeping the tail as well keeps the error that ended it.
 */
export const HEAD_BYTES = 256 * 1024;
export const TAIL_BYTES = 256 * 1024;

interface Segment {
  /** The segment's latest line: where the cut line and the held tail belong. */
  last: NewLogLine;
  head: number;
  tail: NewLogLine[];
  tailBytes: number;
  cutLines: number;
  cutBytes: number;
}

const size = (l: NewLogLine) => Buffer.byteLength(l.text) + 1;

/** One budget per invocation (request id), and one per instance for lines tied to no request. */
export function createLogBudget(emit: (line: NewLogLine) => void) {
  const segments = new Map<string, Segment>();
  const keyOf = (l: NewLogLine) => (l.requestId ? `r:${l.requestId}` : `i:${l.instanceId}`);

  /** Writes what the tail held back, after the line that says what was cut, and starts over. */
  function close(key: string) {
    const s = segments.get(key);
    if (!s) return;
    segments.delete(key);
    if (s.cutLines > 0) {
      emit({ ...s.last, source: 'system', level: 'warn', time: new Date().toISOString(), text: `fnplay: ${s.cutLines} log lines (${s.cutBytes} bytes) of this ${s.last.requestId ? 'invocation' : 'instance'} were cut: the first ${HEAD_BYTES / 1024} KB and the last ${TAIL_BYTES / 1024} KB are kept` });
    }
    for (const l of s.tail) emit(l);
  }

  return {
    /** Passes a line on, holds it in the tail, or drops it; FC's own lines always pass. */
    offer(line: NewLogLine) {
      if (line.source === 'system') {
        // The End marker closes the invocation's log: what the tail holds goes before it.
        if (line.requestId && / End RequestId: /.test(line.text)) {
          close(`r:${line.requestId}`);
          close(`i:${line.instanceId}`);
        }
        return emit(line);
      }
      const key = keyOf(line);
      let s = segments.get(key);
      if (!s) segments.set(key, (s = { last: line, head: 0, tail: [], tailBytes: 0, cutLines: 0, cutBytes: 0 }));
      s.last = line;
      const n = size(line);
      if (s.head + n <= HEAD_BYTES && s.tail.length === 0) {
        s.head += n;
        return emit(line);
      }
      s.tail.push(line);
      s.tailBytes += n;
      while (s.tailBytes > TAIL_BYTES && s.tail.length > 1) {
        const dropped = s.tail.shift()!;
        const d = size(dropped);
        s.tailBytes -= d;
        s.cutLines++;
        s.cutBytes += d;
      }
    },
    /** An invocation ended without an End marker (crash, timeout): its tail is written now. */
    endRequest: (requestId: string) => close(`r:${requestId}`),
    /** The instance is gone: what it printed outside any invocation is written now. */
    endInstance: (instanceId: string) => close(`i:${instanceId}`),
  };
}
