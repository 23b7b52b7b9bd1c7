import { api } from '../api/client.ts';
import { fnKey, useLive } from '../api/live.ts';
import type { AccelerationStatus } from '../../shared/observe.ts';

// A Go build is bounded by the service (5 minutes); a little more, so its own verdict comes first.
const DEADLINE_MS = 6 * 60_000;
// The live event usually ends the wait; the poll is for a page whose event stream is down.
const POLL_MS = 2000;

export type BuildVerdict = { status: AccelerationStatus | 'Not deployed'; reason: string | null };

/**
 * Waits until the function's code is no longer Preparing (a Go build finished, or failed), reading
 * the function and then waiting for its live acceleration event or the next poll, whichever comes
 * first. Answers Preparing only when the deadline passes first; `onWait` is called once, when
 * there is something to wait for.
 */
export async function waitForBuild(
  service: string,
  fn: string,
  opts: { deadlineMs?: number; pollMs?: number; onWait?: () => void } = {},
): Promise<BuildVerdict> {
  const deadline = Date.now() + (opts.deadlineMs ?? DEADLINE_MS);
  const key = fnKey(service, fn);
  for (let round = 0; ; round++) {
    const view = await api.getFunction(service, fn);
    if (!view) return { status: 'Not deployed', reason: null };
    const { status, reason } = view.accelerationInfo;
    if (status !== 'Preparing' || Date.now() >= deadline) return { status, reason: reason ?? null };
    if (round === 0) opts.onWait?.();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const timer = setTimeout(done, Math.min(opts.pollMs ?? POLL_MS, Math.max(0, deadline - Date.now())));
      const unsubscribe = useLive.subscribe((s) => {
        const a = s.acceleration[key];
        if (a && a.codeChecksum === view.codeChecksum && a.status !== 'Preparing') done();
      });
    });
  }
}
