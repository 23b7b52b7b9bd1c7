import type { Invoker } from '../invocations/index.ts';
import type { LogBus } from '../logs/index.ts';
import type { FunctionRevision } from '../scheduler/index.ts';
import type { Store } from '../store/index.ts';
import { isTimerTrigger, type TimerTriggerRecord } from '../store/resources.ts';
import type { TimerInfo } from '../../shared/trigger-config.ts';
import { systemClock, type TimerClock } from './timer-clock.ts';
import { parseTimerSchedule, triggerTimeOf, type TimerSchedule } from './timer-schedule.ts';

/** What an invocation of a qualifier runs (fc-invoke.ts revisionOf): the revision and its instance cap. */
export type ResolveRevision = (serviceSegment: string, functionName: string) => { rev: FunctionRevision; maxInstances: number | null };

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
 * changed. A firing invokes the trigger's qualifier with FC's timer event, as an event invocation
 * recorded with invocationType 'timer'. A failed or throttled firing is recorded by the invoker
 * and logged to the function's log; it is not retried (FC delivers timer events asynchronously;
 * fnplay's async queue is a later issue).
 */
export function createTimerTriggers(opts: { clock?: TimerClock } = {}) {
  const clock = opts.clock ?? systemClock;
  const armed = new Map<string, Armed>();
  const firing = new Set<Promise<void>>();
  let deps: { store: Store; invoker: Invoker; bus: LogBus; resolve: ResolveRevision } | null = null;
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
    const { invoker, bus, resolve } = deps;
    const requestId = invoker.newRequestId();
    const event = { triggerTime: triggerTimeOf(at), triggerName: t.triggerName, payload: t.triggerConfig.payload };
    try {
      const segment = t.qualifier === 'LATEST' ? t.serviceName : `${t.serviceName}.${t.qualifier}`;
      const { rev, maxInstances } = resolve(segment, t.functionName);
      await invoker.invoke(rev, { type: 'timer', requestId, payload: Buffer.from(JSON.stringify(event)), logTail: false }, maxInstances);
    } catch (err) {
      // The invoker has recorded a throttled or refused call; a qualifier that no longer
      // resolves has no record to write, so the log line is what the user sees.
      if (closed) return;
      bus.emit({
        time: new Date().toISOString(), serviceName: t.serviceName, functionName: t.functionName, qualifier: t.qualifier, instanceId: null, requestId,
        level: 'error', source: 'system', text: `FC Timer Trigger ${t.triggerName} at ${event.triggerTime}: the invocation failed: ${(err as Error).message}`,
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
    start(d: { store: Store; invoker: Invoker; bus: LogBus; resolve: ResolveRevision }) {
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
