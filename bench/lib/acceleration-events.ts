import type { BenchService } from './bench-service.ts';

interface Settled {
  /** performance.now() when the event arrived. */
  at: number;
  status: 'Ready' | 'Failed';
  reason: string | null;
}

/**
 * Subscribes to the service's live events (/api/events, as the page does) and keeps when each
 * function's code became Ready or Failed: the end of a build is stamped as it is pushed, not at
 * the next poll of GetFunction.
 */
export async function watchAcceleration(svc: BenchService) {
  const ac = new AbortController();
  const res = await fetch(`${svc.url}/api/events`, { headers: { 'x-fnplay-token': svc.apiToken, accept: 'text/event-stream' }, signal: ac.signal });
  if (res.status !== 200 || !res.body) throw new Error(`/api/events answered ${res.status}`);
  const settled = new Map<string, Settled>(); // `${service}/${fn}/${checksum}`
  const waiters = new Set<() => void>();
  let subscribed!: () => void;
  const ready = new Promise<void>((r) => (subscribed = r));

  const onEvent = (type: string, data: string) => {
    if (type === 'ready') return subscribed();
    if (type !== 'acceleration') return;
    const e = JSON.parse(data) as { serviceName: string; functionName: string; codeChecksum: string; status: string; reason: string | null };
    if (e.status !== 'Ready' && e.status !== 'Failed') return;
    settled.set(`${e.serviceName}/${e.functionName}/${e.codeChecksum}`, { at: performance.now(), status: e.status, reason: e.reason });
    for (const w of waiters) w();
  };
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      for (let end = buf.indexOf('\n\n'); end >= 0; end = buf.indexOf('\n\n')) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let type = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) type = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        onEvent(type, data.join('\n'));
      }
    }
  })().catch(() => {}); // aborted on close
  await ready;

  return {
    /** When the code `checksum` of service/fn became Ready (throws on Failed or after the deadline). */
    async readyAt(service: string, fn: string, checksum: string, timeoutMs = 240_000): Promise<number> {
      const key = `${service}/${fn}/${checksum}`;
      const deadline = setTimeout(() => {
        for (const w of waiters) w();
      }, timeoutMs);
      const t0 = Date.now();
      try {
        for (;;) {
          const s = settled.get(key);
          if (s?.status === 'Failed') throw new Error(`the build of ${service}/${fn} failed: ${s.reason}`);
          if (s) return s.at;
          if (Date.now() - t0 >= timeoutMs) throw new Error(`no Ready for ${service}/${fn} within ${timeoutMs / 1000} s`);
          await new Promise<void>((r) => {
            const w = () => (waiters.delete(w), r());
            waiters.add(w);
          });
        }
      } finally {
        clearTimeout(deadline);
      }
    },
    async close() {
      ac.abort();
      await reading;
    },
  };
}
