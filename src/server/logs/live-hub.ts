import type { LiveEvent } from '../../shared/observe.ts';

/** Fan-out of live events (logs, instance states, acceleration, invocations) to SSE subscribers. */
export function createLiveHub() {
  const subscribers = new Set<(e: LiveEvent) => void>();
  return {
    publish(event: LiveEvent) {
      for (const fn of subscribers) {
        try {
          fn(event);
        } catch {
          // A broken subscriber (a closed SSE socket) must not stop delivery to the others.
        }
      }
    },
    subscribe(fn: (e: LiveEvent) => void) {
      subscribers.add(fn);
      return () => void subscribers.delete(fn);
    },
    get subscriberCount() {
      return subscribers.size;
    },
  };
}
export type LiveHub = ReturnType<typeof createLiveHub>;
