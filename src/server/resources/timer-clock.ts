// The clock timer triggers run on. The service uses the system's; tests use a manual one they
// move forward, so a trigger of `@every 1m` or `0 0/5 * * * *` fires without waiting minutes.

export interface TimerClock {
  now(): number;
  /** Calls `fire` once the clock reaches `at` (ms since the epoch); returns a cancel function. */
  at(at: number, fire: () => void): () => void;
}

// setTimeout takes at most 2^31-1 ms (~24.8 days); a later firing is reached in steps.
const MAX_DELAY_MS = 2 ** 31 - 1;

export const systemClock: TimerClock = {
  now: () => Date.now(),
  at(at, fire) {
    let handle: NodeJS.Timeout;
    const arm = () => {
      const delay = at - Date.now();
      handle = delay > MAX_DELAY_MS ? setTimeout(arm, MAX_DELAY_MS) : setTimeout(fire, Math.max(0, delay));
      handle.unref?.();
    };
    arm();
    return () => clearTimeout(handle);
  },
};

export interface ManualClock extends TimerClock {
  /** Moves the clock to `t`, firing everything due on the way, in time order. */
  advanceTo(t: number): void;
  advanceBy(ms: number): void;
}

export function createManualClock(start: number): ManualClock {
  let now = start;
  let seq = 0;
  const pending = new Map<number, { at: number; fire: () => void }>();
  const clock: ManualClock = {
    now: () => now,
    at(at, fire) {
      const id = seq++;
      pending.set(id, { at, fire });
      return () => void pending.delete(id);
    },
    advanceTo(t) {
      for (;;) {
        // the earliest due one first; a firing may arm the next one, which is due too if ≤ t
        let due: [number, { at: number; fire: () => void }] | null = null;
        for (const e of pending) if (e[1].at <= t && (!due || e[1].at < due[1].at)) due = e;
        if (!due) break;
        pending.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fire();
      }
      now = Math.max(now, t);
    },
    advanceBy: (ms) => clock.advanceTo(now + ms),
  };
  return clock;
}
