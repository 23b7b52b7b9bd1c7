import { LOGGER_LINE_RE, SYSTEM_MARKER_RE, RUNTIME_INITED_RE, STDERR_END_PREFIX } from '../../shared/log-format.ts';
import type { LogBus } from './log-bus.ts';

type Marker = { phase: string; edge: 'Start' | 'End'; requestId: string };

const MAX_LINE = 64 * 1024; // a single line longer than this is cut, so one runaway print cannot eat memory

/**
 * Turns an instance's stdout/stderr into log lines tied to the instance and, where it can tell,
 * to a request. Runtimes that print FC's Start/End markers (the built-in ones) are attributed from
 * the stream itself, which keeps lines and markers in order; for the others the scheduler says
 * which request is the only one in flight.
 */
export function createInstanceLog(opts: {
  bus: LogBus;
  base: { serviceName: string; functionName: string; qualifier: string; instanceId: string };
  soleRequest: () => string | null;
  onMarker?: (m: Marker) => void;
  onInited?: () => void;
}) {
  const open = new Set<string>(); // requests between their Start and End markers
  const openOnStderr = new Set<string>(); // the same, until the runtime's hidden stderr end line
  let sawStderrEnd = false;
  const partial = { stdout: '', stderr: '' };
  const waiters: { key: string; resolve: () => void }[] = [];
  const seen = new Set<string>(); // End markers seen recently, for waiters that come late
  const recentOrder: string[] = [];

  function emit(source: 'system' | 'stdout' | 'stderr' | 'logger', level: string, text: string, requestId: string | null) {
    opts.bus.emit({ time: new Date().toISOString(), ...opts.base, requestId, level, source, text });
  }

  function line(stream: 'stdout' | 'stderr', raw: string) {
    if (stream === 'stderr' && raw.startsWith(STDERR_END_PREFIX)) {
      const [phase, requestId] = raw.slice(STDERR_END_PREFIX.length).split(' ');
      sawStderrEnd = true;
      openOnStderr.delete(requestId);
      endSeen(`stderr:${phase}:${requestId}`);
      return;
    }
    const text = raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) + ' ... Truncated by fnplay' : raw;
    const marker = SYSTEM_MARKER_RE.exec(text);
    if (marker) {
      const m: Marker = { phase: marker[1], edge: marker[2] as 'Start' | 'End', requestId: marker[3] };
      if (m.edge === 'Start') {
        open.add(m.requestId);
        openOnStderr.add(m.requestId);
      } else open.delete(m.requestId);
      emit('system', 'info', text, m.requestId);
      if (m.edge === 'End') endSeen(`${m.phase}:${m.requestId}`);
      opts.onMarker?.(m);
      return;
    }
    if (RUNTIME_INITED_RE.test(text)) {
      emit('system', 'info', text, null);
      opts.onInited?.();
      return;
    }
    const logger = LOGGER_LINE_RE.exec(text);
    if (logger) {
      emit('logger', logger[3].toLowerCase(), text, logger[2]);
      return;
    }
    const calls = stream === 'stderr' ? openOnStderr : open;
    const owner = calls.size === 1 ? [...calls][0] : calls.size === 0 ? opts.soleRequest() : null;
    emit(stream, stream === 'stderr' ? 'error' : 'info', text, owner);
  }

  function endSeen(key: string) {
    seen.add(key);
    recentOrder.push(key);
    if (recentOrder.length > 256) seen.delete(recentOrder.shift()!);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i].key === key) waiters.splice(i, 1)[0].resolve();
    }
  }

  function waitKey(key: string, ms: number): Promise<void> {
    if (seen.has(key)) return Promise.resolve();
    return new Promise((resolve) => {
      const w = { key, resolve: () => (clearTimeout(t), resolve()) };
      const t = setTimeout(() => {
        const i = waiters.indexOf(w);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }, ms);
      waiters.push(w);
    });
  }

  return {
    feed(stream: 'stdout' | 'stderr', chunk: Buffer) {
      const parts = (partial[stream] + chunk.toString('utf8')).split('\n');
      partial[stream] = parts.pop()!;
      if (partial[stream].length > MAX_LINE) {
        parts.push(partial[stream]);
        partial[stream] = '';
      }
      for (const p of parts) line(stream, p.endsWith('\r') ? p.slice(0, -1) : p);
    },
    /** Lines the platform itself writes (custom runtime markers, summaries, reports). */
    system(text: string, requestId: string | null, level = 'info') {
      emit('system', level, text, requestId);
    },
    /** Resolves when the runtime has printed `FC <phase> End RequestId: <id>` (and its stderr end line), or after `ms`. */
    waitEnd(phase: string, requestId: string, ms: number, stderrToo: boolean): Promise<void> {
      // A runtime that has written a stderr end line once writes one after every call (fnplay's Go
      // SDK does; a binary built against the public SDK never does, and is not waited for).
      if (!stderrToo && !sawStderrEnd) return waitKey(`${phase}:${requestId}`, ms);
      return Promise.all([waitKey(`${phase}:${requestId}`, ms), waitKey(`stderr:${phase}:${requestId}`, ms)]).then(() => {});
    },
    /** Emits what is left of an unterminated last line (the process exited). */
    close() {
      for (const s of ['stdout', 'stderr'] as const) {
        if (partial[s]) line(s, partial[s]);
        partial[s] = '';
      }
      for (const w of waiters.splice(0)) w.resolve();
    },
  };
}
export type InstanceLog = ReturnType<typeof createInstanceLog>;
