import type { InstanceState } from '../../shared/observe.ts';
import type { InstanceTrack } from '../api/live.ts';

/** One colour per lifecycle state (SPEC §2), used by the badges, the timeline and its legend. */
export const STATE_COLORS: Record<InstanceState, string> = {
  Starting: '#8b95a7',
  Initializing: '#a371f7',
  Idle: '#3fb950',
  Busy: '#ff6a00',
  Frozen: '#58a6ff',
  Stopping: '#d29922',
  Destroyed: '#6e7681',
  Failed: '#f85149',
};

export const isGone = (s: InstanceState) => s === 'Destroyed' || s === 'Failed';

/** The timeline shows this much history; an instance that ended longer ago drops off the list. */
export const TIMELINE_WINDOW_MS = 5 * 60_000;

export interface Segment {
  state: InstanceState;
  /** ms since the epoch, clipped to the window */
  from: number;
  to: number;
}

/** How long a final `Failed` is drawn: a mark at the moment it failed, not a bar up to now. */
const FAILED_MARK_MS = 3000;

/**
 * A track's state changes as spans over [now - window, now]. The last state lasts until now,
 * except for an ended instance: nothing after Destroyed, a short mark for a final Failed.
 */
export function segmentsOf(track: InstanceTrack, now: number, windowMs = TIMELINE_WINDOW_MS): Segment[] {
  const start = now - windowMs;
  const t = track.transitions;
  const out: Segment[] = [];
  for (let i = 0; i < t.length && t[i].state !== 'Destroyed'; i++) {
    const last = i + 1 >= t.length;
    const to = Math.min(now, last ? (t[i].state === 'Failed' ? t[i].at + FAILED_MARK_MS : now) : t[i + 1].at);
    const from = Math.max(t[i].at, start);
    // Events read from one SSE chunk share a timestamp: a zero-length span still happened, and is kept.
    if (to >= from && to > start) out.push({ state: t[i].state, from, to });
  }
  return out;
}

/** When the instance ended (its Destroyed/Failed transition), or null while it lives. */
export function endedAt(track: InstanceTrack): number | null {
  if (!isGone(track.info.state)) return null;
  const last = [...track.transitions].reverse().find((x) => isGone(x.state));
  return last?.at ?? null;
}
