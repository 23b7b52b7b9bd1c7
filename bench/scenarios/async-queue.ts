import { existsSync } from 'node:fs';
import { asyncEventsOf, auditEvents, completionsBetween } from '../lib/async-events.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { ECHO_HANDLER, PAYLOAD_100B } from '../lib/echo-function.ts';
import type { HttpTarget } from '../lib/load-jobs.ts';
import type { LoadWorker } from '../lib/load.ts';
import type { Progress } from '../lib/progress.ts';
import { fmt, percentile, until } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const CALLERS = 32;
const SERVICE = 'aq';
const FN = 'echo';
/** The same echo code with an on-demand cap of 0: its events are accepted and held, nothing runs them. */
const HELD = 'held';
const POLL_MS = 100;

/** Accepts `count` events with CALLERS concurrent callers; every one must answer 202. */
async function acceptEvents(load: LoadWorker, svc: BenchService, count: number, fn = FN) {
  const target: HttpTarget = { origin: svc.url, path: '', body: PAYLOAD_100B, expectStatus: 202, sign: { creds: svc.creds, service: SERVICE, fn, headers: { 'x-fc-invocation-type': 'Async' } } };
  const r = await load.run({ kind: 'fixed', target, callers: CALLERS, count });
  if (r.errors) throw new Error(`${r.errors} of ${count} async invocations were not accepted, first: ${r.firstError}`);
  if (new Set(r.requestIds).size !== count) throw new Error(`${count} accepts gave ${new Set(r.requestIds).size} distinct request ids`);
  return r;
}

/** Polls the queue's table until `done` events of the function have Succeeded (or one Failed); returns when. */
async function waitSucceeded(dataDir: string, done: number, progress: Progress, what: string, timeoutMs: number) {
  const events = asyncEventsOf(dataDir);
  const tick = progress.counter(what, done);
  await until(() => {
    const c = events.counts(SERVICE, FN);
    if (c.Failed || c.Expired || c.Invalid) throw new Error(`async events ended other than Succeeded: ${JSON.stringify(c)}`);
    tick(Math.min(done, c.Succeeded ?? 0));
    return (c.Succeeded ?? 0) >= done;
  }, what, timeoutMs);
  return Date.now();
}

/**
 * Scenario 6: the durable async queue (issue 13). One service in the default config (sandboxed,
 * freezing on), the echo function with FC's defaults (instanceConcurrency 1). Its sync
 * throughput with 32 callers (the floor, half before and half after the drain), and N events accepted by 32 callers (`x-fc-invocation-type:
 * Async`, 202 once committed to SQLite) while the queue drains them, timed until the last one is
 * Succeeded (read from the queue's table); then N more, the service SIGKILLed once some of them are
 * done, restarted on the same data dir, timed until every accepted event is Succeeded, and each
 * accepted request id checked: present once, Succeeded, ended once.
 */
export const asyncQueue: Scenario = {
  id: '6',
  title: 'Async queue',
  // A busy 2-core machine drains ~300 events/s: 20,000 events, a restart and the held accepts take ~2 min.
  limitSec: { quick: 150, full: 400 },
  async run({ quick, progress, load }) {
    const n = quick ? 2000 : 10_000;
    const durationMs = quick ? 3000 : 10_000;
    const warmupMs = quick ? 500 : 1500;
    const drainLimitMs = quick ? 60_000 : 120_000;
    const t0 = Date.now();
    let svc = await startBenchService();
    const firstStartMs = Date.now() - t0;
    const { dataDir, creds } = svc;
    const events = asyncEventsOf(dataDir);
    try {
      const sb = svc.sandbox;
      const isolation = sb.kind === 'bwrap' ? `sandboxed (bwrap, cgroup ${sb.cgroup}, network ${sb.network})` : 'unsandboxed (no sandbox here)';
      progress.step(`deploying the echo function (instanceConcurrency 1); service ${isolation}`);
      await svc.deploy(SERVICE, FN, { 'index.js': ECHO_HANDLER });

      // 1. the floor: sync calls, same function, same callers
      progress.step(`sync: ${CALLERS} callers for ${durationMs / 2000} s (after ${warmupMs / 1000} s of warm-up)`);
      const syncTarget: HttpTarget = { origin: svc.url, path: '', body: PAYLOAD_100B, sign: { creds, service: SERVICE, fn: FN } };
      // The 32 cold starts first, untimed: the quick run's warm-up alone is too short for them on 2 cores.
      const coldRound = await load.run({ kind: 'fixed', target: syncTarget, callers: CALLERS, count: CALLERS * 4 });
      if (coldRound.errors) throw new Error(`sync warm-up: ${coldRound.errors} calls failed, first: ${coldRound.firstError}`);
      // Half the sync time before the async phase and half after it, so that drift on a shared machine hits both.
      const syncRun = async () => {
        const r = await load.run({ kind: 'concurrent', target: syncTarget, callers: CALLERS, durationMs: durationMs / 2, warmupMs });
        if (r.errors) throw new Error(`sync: ${r.errors} of ${r.calls} calls failed, first: ${r.firstError}`);
        return r;
      };
      const syncBefore = await syncRun();
      const warmInstances = (await svc.instances(SERVICE, FN)).length;

      // 2. N events accepted while the queue drains them, until the last is Succeeded
      progress.step(`async: ${n} events accepted by ${CALLERS} callers, drained while they arrive`);
      const a = await acceptEvents(load, svc, n);
      const acceptRate = n / a.seconds;
      const atAcceptEnd = events.counts(SERVICE, FN).Succeeded ?? 0;
      progress.step(`accepted ${n} in ${fmt(a.seconds * 1000)} ms (${fmt(acceptRate)}/s); ${atAcceptEnd} already Succeeded`);
      const lastDone = await waitSucceeded(dataDir, n, progress, 'async events Succeeded:', drainLimitMs);
      const rows = events.rows(SERVICE, FN);
      const audit1 = auditEvents(rows, a.requestIds);
      if (!audit1.ok) throw new Error(`the drain without a kill lost or repeated events: ${audit1.text}`);
      const firstStart = Math.min(...rows.map((r) => r.startedAt!));
      const lastEnd = Math.max(...rows.map((r) => r.endedAt!));
      const drainRate = n / ((lastEnd - firstStart) / 1000);
      const endToEndMs = lastEnd - a.firstSentAt;
      const duringAccept = completionsBetween(rows, a.firstSentAt, a.lastAnsweredAt);
      const afterAccept = completionsBetween(rows, a.lastAnsweredAt, lastEnd);
      const queueWaitP50 = percentile(rows.map((r) => r.startedAt! - r.enqueuedAt), 50);
      const instancesAfter = (await svc.instances(SERVICE, FN)).length;
      progress.step(`sync again: ${CALLERS} callers for ${durationMs / 2000} s`);
      const syncAfter = await syncRun();
      const sync = { calls: syncBefore.calls + syncAfter.calls, seconds: syncBefore.seconds + syncAfter.seconds, latenciesUs: Float64Array.from([...syncBefore.latenciesUs, ...syncAfter.latenciesUs]) };
      const syncRate = sync.calls / sync.seconds;

      // 3. N more, kill -9 once some of them are done, restart on the same data dir
      progress.step(`kill -9: ${n} more events accepted, the service SIGKILLed once some of them are done`);
      const b = await acceptEvents(load, svc, n);
      const someDone = n + Math.ceil(n / 10);
      await until(() => (events.counts(SERVICE, FN).Succeeded ?? 0) >= someDone, `${someDone - n} of the second batch done`, drainLimitMs);
      const pids = (await svc.instances(SERVICE, FN)).map((i) => i.pid);
      const killedAt = Date.now();
      await svc.kill();
      const atKill = events.counts(SERVICE, FN);
      const leftAtKill = 2 * n - (atKill.Succeeded ?? 0);
      progress.step(`killed: ${JSON.stringify(atKill)}; restarting on the same data dir`);
      svc = await startBenchService({ restart: { dataDir, creds } });
      const listeningAt = Date.now();
      const orphans = pids.filter((p) => existsSync(`/proc/${p}`)).length;
      const recoveredAt = await waitSucceeded(dataDir, 2 * n, progress, 'async events Succeeded after the restart:', drainLimitMs);
      const all = events.rows(SERVICE, FN);
      const audit2 = auditEvents(all, [...a.requestIds, ...b.requestIds]);
      const afterRestart = completionsBetween(all, listeningAt, recoveredAt);
      const recoveryMs = recoveredAt - killedAt;
      const restartRate = leftAtKill / ((recoveredAt - listeningAt) / 1000);

      // 4. what accepting costs alone: the same code, its events held (on-demand cap 0: every attempt
      // is throttled, and a throttled event is not an attempt), so nothing drains beside the accepts
      progress.step(`accept alone: ${n} events for ${SERVICE}/${HELD}, whose on-demand cap 0 holds them`);
      await svc.deploy(SERVICE, HELD, { 'index.js': ECHO_HANDLER });
      await svc.client.putOnDemandConfig(SERVICE, HELD, 'LATEST', { maximumInstanceCount: 0 });
      const h = await acceptEvents(load, svc, n, HELD);
      const heldCounts = events.counts(SERVICE, HELD);
      const aloneRate = n / h.seconds;

      const syncRef = { name: `sync, ${CALLERS} callers`, value: syncRate };
      const p = (q: number, l: Float64Array) => fmt(percentile(l, q) / 1000);
      const figures: Figure[] = [
        { measure: `sync throughput, ${CALLERS} callers (the floor), ${isolation}`, value: syncRate, unit: 'calls/s', detail: `p50 ${p(50, sync.latenciesUs)} ms, p99 ${p(99, sync.latenciesUs)} ms; ${warmInstances} instances` },
        { ...compared(`async accept rate, ${CALLERS} callers, ${n} events (202 once committed)`, acceptRate, '202s/s', syncRef, { text: '≥ sync rate', met: (r) => r >= 1 }), detail: `while the queue drained ${duringAccept.n} of them` },
        { ...compared(`async accept rate alone (no drain beside it: ${SERVICE}/${HELD}, on-demand cap 0)`, aloneRate, '202s/s', syncRef), detail: `p50 ${p(50, h.latenciesUs)} ms, p99 ${p(99, h.latenciesUs)} ms` },
        { ...compared('async accept latency p50', percentile(a.latenciesUs, 50) / 1000, 'ms', { name: 'sync call p50, same callers', value: percentile(sync.latenciesUs, 50) / 1000 }), detail: `p99 ${p(99, a.latenciesUs)} ms (sync p99 ${p(99, sync.latenciesUs)} ms)` },
        { ...compared(`drain rate: ${n} events, first start → last end`, drainRate, 'events/s', syncRef, { text: '≥ 0.8× sync', met: (r) => r >= 0.8 }), detail: `after the last accept, alone: ${fmt(afterAccept.perSec)} events/s (${afterAccept.n} events)` },
        compared(`end to end: first accept → last of ${n} Succeeded`, endToEndMs, 'ms', { name: `${n} sync calls at the sync rate`, value: (n / syncRate) * 1000 }),
        { ...compared(`kill -9 with ${leftAtKill} of ${n} not done: kill → every accepted event Succeeded`, recoveryMs, 'ms', { name: `${leftAtKill} events at the drain rate`, value: (leftAtKill / drainRate) * 1000 }), detail: `restart → listening ${fmt(listeningAt - killedAt)} ms (first start ${fmt(firstStartMs)} ms); then ${fmt(restartRate)} events/s` },
        { measure: `after the kill: accepted events lost or ended twice (${2 * n} accepted)`, value: audit2.missing + audit2.duplicated + audit2.notSucceeded + audit2.endedTwice, unit: 'events', target: { text: 'none lost, none ended twice', met: audit2.ok }, detail: `${audit2.lostMidRun} attempts cut by the kill run again` },
      ];
      return {
        figures,
        notes: [
          `One service in its own process, ${isolation}, freezing on; the echo function with FC's defaults (instanceConcurrency 1, no on-demand cap, maxAsyncRetryAttempts 3), 100-byte payload. Callers run in the load worker thread: an undici pool of ${CALLERS} keep-alive connections, signed as the SDK signs InvokeFunction, each caller waiting for its answer before the next call. Sync: ${durationMs / 2000} s before the async phase and ${durationMs / 2000} s after its drain, each counted after ${warmupMs / 1000} s of warm-up (${fmt(syncBefore.calls / syncBefore.seconds)} and ${fmt(syncAfter.calls / syncAfter.seconds)} calls/s), ${fmt(syncRate)} calls/s on ${warmInstances} instances, p50 ${p(50, sync.latenciesUs)} ms, p99 ${p(99, sync.latenciesUs)} ms.`,
          `Async: exactly ${n} calls with \`x-fc-invocation-type: Async\`, each answered 202 with its own request id (all distinct), ${fmt(a.seconds * 1000)} ms from the first sent to the last answer: ${fmt(acceptRate)} accepts/s, latency p50 ${p(50, a.latenciesUs)} ms, p99 ${p(99, a.latenciesUs)} ms. The queue runs them as they arrive (up to 32 at once per function), so accepting shares the service's event loop and the 2 cores with the drain: ${duringAccept.n} ended while they were being accepted (${atAcceptEnd} Succeeded at the last 202).`,
          `Drain: read from the queue's table (\`async_events\`, started_at / ended_at, the service's clock; the same machine's as the client's): first start → last end ${fmt(n / drainRate * 1000)} ms, ${fmt(drainRate)} events/s; after the last accept, with the queue alone, ${fmt(afterAccept.perSec)} events/s. A wait in the queue (accept → start) p50 ${fmt(queueWaitP50)} ms. End to end, first accept sent → last Succeeded: ${fmt(endToEndMs)} ms (the bench saw it at most ${POLL_MS} ms later, polling; ${fmt(lastDone - lastEnd)} ms here). Every accepted request id Succeeded once: ${audit1.text}. ${instancesAfter} instances afterwards.`,
          `Kill -9: ${n} more accepted (${fmt(n / b.seconds)}/s), the service SIGKILLed (its process alone, as a crash: its ${pids.length} instances' process groups left behind) once ${someDone - n} of them were Succeeded; at the kill the table held ${JSON.stringify(atKill)}. Restarted on the same data dir and keys: listening after ${fmt(listeningAt - killedAt)} ms (the first start, on an empty data dir, took ${fmt(firstStartMs)} ms), ${orphans} of the killed service's instance pids still alive after the restart's reaping, every accepted event Succeeded ${fmt(recoveryMs)} ms after the kill (${afterRestart.n} ended after the restart, ${fmt(restartRate)} events/s from listening on, cold starts included). Audit of all ${2 * n}: ${audit2.text}.`,
          `Accepting alone, for a diagnosis of the rates above: ${n} events to ${SERVICE}/${HELD} (the same echo code) with its on-demand maximumInstanceCount at 0, so the queue holds them (a throttled event is retried later and is not an attempt; the lane backs off 0.5 s, 1 s, 2 s …): ${fmt(aloneRate)} accepts/s, p50 ${p(50, h.latenciesUs)} ms, p99 ${p(99, h.latenciesUs)} ms, against ${fmt(acceptRate)}/s while the drain shared the service. Table afterwards: ${JSON.stringify(heldCounts)}.`,
        ],
      };
    } finally {
      await svc.close();
    }
  },
};
