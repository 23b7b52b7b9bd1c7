import type { AsyncQueue } from '../invocations/index.ts';
import type { LogBus } from '../logs/index.ts';
import { newRequestId } from '../request-id.ts';
import type { Store } from '../store/index.ts';
import { isTimerTrigger, type TimerTriggerRecord } from '../store/resources.ts';
import type { TimerInfo } from '../../shared/trigger-config.ts';
import { systemClock, type TimerClock } from './timer-clock.ts';
import { parseTimerSchedule, triggerTimeOf, type TimerSchedule } from './timer-schedule.ts';

interface Armed {
  trigger: TimerTriggerRecord;
  schedule: TimerSchedule;
  nextFire: number | null;
  cancel: () => void;
}

const keyOf = (t: { serviceName: string; functionName: string; triggerName: string }) => `${t.serviceName}\u0000${t.functionName}\u0000${t.triggerName}`;

/**
 * Timer triggers that really fire while fnplay runs. Each enabled one is armed on the clock for
 * its next firing; `sync()` (after every trigger write) re-reads the store and re-arms what
 * changed. A firing puts FC's timer event on the async queue for the trigger's qualifier, as FC
 * delivers timer events asynchronously: it runs with the function's async config (retries, age,
 * destinations), and its records say invocationType 'timer'.
 */
export function createTimerTriggers(opts: { clock?: TimerClock } = {}) {
  const clock = opts.clock ?? systemClock;
  const armed = new Map<string, Armed>();
  const firing = new Set<Promise<void>>();
  let deps: { store: Store; queue: AsyncQueue; bus: LogBus } | null = null;
  let closed = false;

  function allTimers(store: Store): TimerTriggerRecord[] {
    const out: TimerTriggerRecord[] = [];
    for (const s of store.resources.listServices()) {
      for (const f of store.resources.listFunctions(s.serviceName)) out.push(...store.resources.listTriggers(s.serviceName, f.config.functionName).filter(isTimerTrigger));
    }
    return out;
  }

  function arm(trigger: TimerTriggerRecord, schedule: TimerSchedule, after: number): Armed {
    const nextFire = schedule.next(after);
    const entry: Armed = { trigger, schedule, nextFire, cancel: () => {} };
    if (nextFire !== null) entry.cancel = clock.at(nextFire, () => fire(entry, nextFire));
    return entry;
  }

  function fire(entry: Armed, at: number) {
    const key = keyOf(entry.trigger);
    if (closed || armed.get(key) !== entry) return;
    // 1. the next firing is armed first: a slow invocation must not push the schedule back
    armed.set(key, arm(entry.trigger, entry.schedule, at));
    // 2. the invocation, with FC's timer event as its payload
    const p = invokeTimer(entry.trigger, at).finally(() => firing.delete(p));
    firing.add(p);
  }

  async function invokeTimer(t: TimerTriggerRecord, at: number) {
    if (!deps) return;
    const { queue, bus } = deps;
    const requestId = newRequestId();
    const event = { triggerTime: triggerTimeOf(at), triggerName: t.triggerName, payload: t.triggerConfig.payload };
    try {
      queue.accept({
        requestId, invocationId: requestId, serviceName: t.serviceName, qualifier: t.qualifier, functionName: t.functionName,
        payload: Buffer.from(JSON.stringify(event)), headers: {}, stateful: false, origin: 'timer',
      });
    } catch (err) {
      // The function's queue is full: this firing is lost, and its log says so.
      if (closed) return;
      bus.emit({
        time: new Date().toISOString(), serviceName: t.serviceName, functionName: t.functionName, qualifier: t.qualifier, instanceId: null, requestId,
        level: 'error', source: 'system', text: `FC Timer Trigger ${t.triggerName} at ${event.triggerTime}: the event could not be queued: ${(err as Error).message}`,
      });
    }
  }

  /** Re-reads every timer trigger; re-arms the changed ones, disarms the gone and disabled ones. */
  function sync() {
    if (!deps || closed) return;
    const seen = new Set<string>();
    for (const t of allTimers(deps.store)) {
      const key = keyOf(t);
      if (!t.triggerConfig.enable) continue;
      seen.add(key);
      const prev = armed.get(key);
      if (prev?.trigger.etag === t.etag) continue;
      prev?.cancel();
      let schedule: TimerSchedule;
      try {
        // an @every timer counts its intervals from when it was (re)armed
        schedule = parseTimerSchedule(t.triggerConfig.cronExpression, clock.now());
      } catch {
        armed.delete(key); // stored before a rule it breaks: it stays listed, never fires
        continue;
      }
      armed.set(key, arm(t, schedule, clock.now()));
    }
    for (const [key, entry] of armed) {
      if (seen.has(key)) continue;
      entry.cancel();
      armed.delete(key);
    }
  }

  return {
    /** Arms every enabled timer trigger of the store. */
    start(d: { store: Store; queue: AsyncQueue; bus: LogBus }) {
      deps = d;
      sync();
    },
    sync,
    /** The timer triggers of one function with their next firing (null while disabled). */
    list(store: Store, serviceName: string, functionName: string): TimerInfo[] {
      return store.resources.listTriggers(serviceName, functionName).filter(isTimerTrigger).map((t) => {
        const entry = armed.get(keyOf(t));
        const nextFire = entry && entry.trigger.etag === t.etag ? entry.nextFire : null;
        const { cronExpression, enable, payload } = t.triggerConfig;
        return { triggerName: t.triggerName, qualifier: t.qualifier, cronExpression, enable, payload, nextFireTime: nextFire === null ? null : triggerTimeOf(nextFire) };
      });
    },
    /** Settles once the firings under way have ended (their invocations recorded or logged). */
    settled: () => Promise.allSettled([...firing]).then(() => undefined),
    /** No more firings; the promise settles once the invocations under way have ended. */
    close(): Promise<void> {
      closed = true;
      for (const entry of armed.values()) entry.cancel();
      armed.clear();
      return Promise.allSettled([...firing]).then(() => undefined);
    },
  };
}
export type TimerTriggers = ReturnType<typeof createTimerTriggers>;
