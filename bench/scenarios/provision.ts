import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { coldCaller, phasesText, type ColdSample } from '../lib/cold-call.ts';
import { createInvokeClient } from '../lib/invoke-client.ts';
import { instanceProcesses } from '../lib/instance-processes.ts';
import { fmt, sleep, summary, until } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const SERVICE = 'prov';
const FN = 'init';
const ALIAS = 'prod';
const TARGET = 50;
/** The provisioner starts this many at once (src/server/resources/provisioner.ts, PARALLEL_STARTS). */
const PROVISIONER_PARALLEL = 8;
const POLL_MS = 50;

/** A Node.js function with an initializer that does a little work, as a real one would (a client, a config). */
const SOURCE = `
let ready = null;
exports.initializer = (context, callback) => {
  ready = { at: Date.now(), table: Array.from({ length: 1000 }, (_, i) => i * i) };
  callback(null, '');
};
exports.handler = async (event) => JSON.stringify({ ready: ready !== null, at: ready && ready.at });
`;

/** FC's own error code of a refused SDK call, or null when it succeeded. */
const refusal = (p: Promise<unknown>) => p.then(() => null, (e: { code?: string; message?: string }) => e.code ?? e.message ?? 'error');

type ProvisionState = { target: number; current: number; currentError: string };
const stateOf = async (svc: BenchService) => (await svc.client.getProvisionConfig(SERVICE, FN, ALIAS)).data as ProvisionState;
const put = (svc: BenchService, target: number) => svc.client.putProvisionConfig(SERVICE, FN, ALIAS, { target });

/** The `Provisioned Report` lines of this run: each instance's own start, as the service measured it. */
async function provisionedReports(svc: BenchService) {
  const { lines } = await svc.api(`/logs?service=${SERVICE}&function=${FN}&limit=5000`) as { lines: { text: string }[] };
  const re = /^Provisioned Report RequestId: \S+ Coldstart: ([\d.]+) ms PullCode: ([\d.]+) ms InitRuntime: ([\d.]+) ms InitFunction: ([\d.]+) ms$/;
  return lines.map((l) => re.exec(l.text)).filter((m) => m !== null).map((m) => ({ coldstartMs: Number(m[1]), pullCodeMs: Number(m[2]), initRuntimeMs: Number(m[3]), initFunctionMs: Number(m[4]) }));
}

/** A process that is still there (a zombie is gone: its parent has not reaped it yet). */
function alive(pid: number) {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Scenario 13: the time until a provision target of 50 is ready. One service in the default config
 * (sandboxed, freezing on) whose account cap (maxInstances) is exactly 50; a Node.js function with an
 * initializer, version 1, alias `prod`. PUT provision-config target 50 on the alias, then GET polled
 * every 50 ms until it says current 50. Against 50 sequential cold starts of the same function
 * through the same alias (reclaimed before each, as scenario 1 forces them), taken half before and
 * half after the provisioning so that drift hits both. Then target 0, until every instance and
 * every process of theirs is gone.
 */
export const provision: Scenario = {
  id: '13',
  title: 'Provision 50',
  limitSec: { quick: 150, full: 400 },
  async run({ quick, progress }) {
    const coldRounds = quick ? 10 : TARGET;
    const cores = availableParallelism();
    const svc = await startBenchService({ maxInstances: TARGET });
    const client = createInvokeClient(svc.url, svc.creds);
    const cold = coldCaller(svc);
    try {
      const sb = svc.sandbox;
      const isolation = sb.kind === 'bwrap' ? `sandboxed (bwrap, cgroup ${sb.cgroup}, network ${sb.network})` : 'unsandboxed (no sandbox here)';
      progress.step(`deploying a Node.js function with an initializer, version 1, alias ${ALIAS}; service ${isolation}, maxInstances ${TARGET}`);
      await svc.deploy(SERVICE, FN, { 'index.js': SOURCE }, { initializer: 'index.initializer', initializationTimeout: 60 });
      await svc.client.publishVersion(SERVICE, 'one');
      await svc.client.createAlias(SERVICE, ALIAS, '1');

      // 1. the cap: a target over maxInstances is refused and changes nothing
      const over = await refusal(put(svc, TARGET + 1));
      if (over === null) throw new Error(`a provision target of ${TARGET + 1} was accepted with maxInstances ${TARGET}`);
      if ((await stateOf(svc)).target !== 0) throw new Error(`the refused target ${TARGET + 1} changed the config`);

      // 2. half of the sequential cold starts (after one untimed, which loads the code into caches)
      const samples: ColdSample[] = [];
      const coldTick = progress.counter('sequential cold starts through the alias:', coldRounds);
      const coldStarts = async (n: number) => {
        for (let i = 0; i < n; i++) {
          samples.push(await cold.call(SERVICE, FN, 'x', ALIAS));
          coldTick(samples.length);
        }
      };
      await cold.call(SERVICE, FN, 'x', ALIAS);
      await coldStarts(coldRounds / 2);
      await svc.api(`/functions/${SERVICE}/${FN}/reclaim`, { method: 'POST' });
      await until(async () => (await svc.instances(SERVICE, FN)).length === 0, 'no instance before provisioning');

      // 3. target 50, until GET says current 50 (or it stops moving); never more instances than the cap
      progress.step(`PUT provision-config target ${TARGET} on ${SERVICE}.${ALIAS}/${FN}, polling GET every ${POLL_MS} ms`);
      const readyTick = progress.counter('provisioned instances ready:', TARGET);
      const stallMs = quick ? 20_000 : 30_000;
      let most = 0;
      let firstReadyMs = NaN;
      let lastError = '';
      let current = 0;
      let movedAt = 0;
      const t0 = performance.now();
      await put(svc, TARGET);
      const putMs = performance.now() - t0;
      for (;;) {
        const state = await stateOf(svc);
        const ms = performance.now() - t0;
        most = Math.max(most, (await svc.instances(SERVICE, FN)).length);
        if (state.current > 0 && Number.isNaN(firstReadyMs)) firstReadyMs = ms;
        if (state.currentError) lastError = state.currentError;
        if (state.current !== current) movedAt = ms;
        current = state.current;
        readyTick(current);
        if (current >= TARGET || ms - movedAt > stallMs) break;
        await sleep(POLL_MS);
      }
      const readyMs = performance.now() - t0;
      const stalled = current < TARGET;
      if (stalled) progress.step(`stalled: ${current} of ${TARGET} ready, no change for ${stallMs / 1000} s; last error: ${lastError || 'none'}`);

      // 4. what is running now: the provisioned instances, and nothing more at the cap
      type Listed = { instanceId: string; pid: number; state: string; provisioned?: boolean; versionId?: string };
      const list = (await svc.instances(SERVICE, FN)) as Listed[];
      if (!list.every((i) => i.provisioned && i.versionId === '1')) throw new Error(`expected only provisioned instances of version 1, found ${JSON.stringify(list.map((i) => [i.provisioned, i.versionId, i.state]))}`);
      const states = Object.entries(list.reduce<Record<string, number>>((m, i) => ({ ...m, [i.state]: (m[i.state] ?? 0) + 1 }), {})).map(([k, n]) => `${k} ×${n}`).join(', ');
      const procs = instanceProcesses(svc.pid, list).instances.flatMap((i) => i.pids.map((p) => p.pid));
      const viaAlias = JSON.parse((await client.invoke(`${SERVICE}.${ALIAS}`, FN, 'x')).body) as { ready: boolean };
      if (!viaAlias.ready) throw new Error('a call through the alias found an instance whose initializer had not run');
      const atCap = await refusal(client.invoke(SERVICE, FN, 'x'));
      const reports = await provisionedReports(svc);

      // 5. target 0: every instance and each of its processes gone (reclaimed by hand if the provisioner leaves some)
      progress.step(`target 0: stopping ${list.length} instances (${procs.length} processes)`);
      const t1 = performance.now();
      await put(svc, 0);
      const gone = async () => (await stateOf(svc)).current === 0 && (await svc.instances(SERVICE, FN)).length === 0 && procs.every((p) => !alive(p));
      let releasedMs = NaN;
      let leftAfterRelease = 0;
      try {
        await until(gone, 'every provisioned instance and its processes gone', 20_000);
        releasedMs = performance.now() - t1;
      } catch {
        leftAfterRelease = (await svc.instances(SERVICE, FN)).length;
        progress.step(`${leftAfterRelease} instances still listed 20 s after target 0: reclaiming them`);
        await svc.api(`/functions/${SERVICE}/${FN}/reclaim`, { method: 'POST' });
        await until(gone, 'every instance gone after the reclaim', 30_000);
        releasedMs = performance.now() - t1;
      }

      // 6. the other half of the cold starts
      await coldStarts(coldRounds / 2);
      await svc.api(`/functions/${SERVICE}/${FN}/reclaim`, { method: 'POST' });
      await until(async () => (await svc.instances(SERVICE, FN)).length === 0, 'no instance left at the end');

      const c = summary(samples.map((s) => s.totalMs));
      const sequential = TARGET * c.p50;
      const ideal = sequential / Math.min(PROVISIONER_PARALLEL, cores);
      const own = summary(reports.map((r) => r.coldstartMs));
      const aloneSum = summary(samples.map((s) => s.pullCodeMs + s.initRuntimeMs + s.initFunctionMs)).p50;
      const ownPhases = (k: 'pullCodeMs' | 'initRuntimeMs' | 'initFunctionMs') => fmt(summary(reports.map((r) => r[k])).p50);
      const seqRef = { name: `${TARGET} × sequential cold-start p50 (${fmt(c.p50)} ms)`, value: sequential };
      const readyFigures: Figure[] = stalled
        ? [{ measure: `instances ready, ${isolation}: stalled`, value: current, unit: `of ${TARGET} instances`, target: { text: `${TARGET} ready`, met: false }, detail: `no change for ${stallMs / 1000} s after ${fmt(movedAt)} ms; listed: ${states}; last currentError: ${lastError || 'none'}` }]
        : [
          { ...compared(`time until ${TARGET} provisioned instances are ready, ${isolation}`, readyMs, 'ms', seqRef, { text: `≤ ${TARGET} sequential cold starts`, met: (r) => r <= 1 }), detail: `first ready after ${fmt(firstReadyMs)} ms; PUT answered in ${fmt(putMs)} ms` },
          compared(`time until ${TARGET} ready vs ${TARGET} cold starts spread perfectly over min(${PROVISIONER_PARALLEL} at once, ${cores} cores)`, readyMs, 'ms', { name: `${TARGET} × cold-start p50 ÷ ${Math.min(PROVISIONER_PARALLEL, cores)}`, value: ideal }),
          { ...compared(`per instance (time until ready ÷ ${TARGET})`, readyMs / TARGET, 'ms', { name: 'sequential cold start p50', value: c.p50 }), detail: `cold start p95 ${fmt(c.p95)} ms; ${phasesText(samples)}` },
        ];
      const figures: Figure[] = [
        ...readyFigures,
        { measure: `instance starts made (Provisioned Reports) for ${current} ready`, value: reports.length, unit: 'starts', target: { text: 'one per instance', met: reports.length === current }, detail: reports.length > current ? `${reports.length - current} started instances were stopped again` : '' },
        { ...compared(`each instance's own start, ${PROVISIONER_PARALLEL} at once (Provisioned Report Coldstart p50)`, own.p50, 'ms', { name: 'one alone (sequential cold start, fnplay phases summed) p50', value: aloneSum }), detail: `p95 ${fmt(own.p95)} ms; phases p50: PullCode ${ownPhases('pullCodeMs')}, InitRuntime ${ownPhases('initRuntimeMs')}, InitFunction ${ownPhases('initFunctionMs')} ms` },
        { measure: `target 0: until all ${list.length} instances and their ${procs.length} processes are gone`, value: releasedMs, unit: 'ms', target: { text: 'all gone', met: leftAfterRelease === 0 }, detail: leftAfterRelease ? `${leftAfterRelease} still listed 20 s after target 0, gone only once reclaimed by hand` : '' },
        { measure: `instances at most while provisioning (maxInstances ${TARGET})`, value: most, unit: 'instances', target: { text: `≤ ${TARGET}; target ${TARGET + 1} refused`, met: most <= TARGET && over !== null } },
      ];
      return {
        figures,
        notes: [
          `One service in its own process, ${isolation}, freezing on (provisioned instances have alwaysAllocateCPU true, so they are not frozen), maxInstances ${TARGET}. The function: nodejs20 with an initializer (it builds a 1,000-entry table), version 1, alias ${ALIAS}. Time until ready: from sending PUT /services/${SERVICE}.${ALIAS}/functions/${FN}/provision-config {target: ${TARGET}} to the first GET of it that says current ${TARGET}, polled every ${POLL_MS} ms through the SDK (so the figure is up to ~${POLL_MS} ms late). The provisioner starts ${PROVISIONER_PARALLEL} at once; this machine has ${cores} cores.`,
          `Reference: ${coldRounds} sequential cold starts of the same function through the same alias, each forced by reclaiming (as scenario 1 does), half before the provisioning and half after it; timed by the client, request to response, so each includes one tiny call besides the start: p50 ${fmt(c.p50)} ms, p95 ${fmt(c.p95)} ms. ${TARGET} × p50 = ${fmt(sequential)} ms is what starting them one after another costs; ÷ min(${PROVISIONER_PARALLEL}, ${cores} cores) = ${fmt(ideal)} ms would be a floor only if a start were pure CPU and spread perfectly, which it is not (bwrap and slirp4netns setup wait on the kernel), so it is shown without a target.`,
          stalled
            ? `Provisioning stalled at ${current} of ${TARGET} (no change for ${stallMs / 1000} s; listed then: ${states}; last currentError: ${lastError || 'none'}). Read with the note on starts below.`
            : `${TARGET} ready after ${fmt(readyMs)} ms (first after ${fmt(firstReadyMs)} ms): ${fmt(readyMs / TARGET)} ms per instance, against ${fmt(c.p50)} ms for one cold start alone.`,
          `Starts: ${reports.length} Provisioned Reports for ${current} instances ready${reports.length > current ? ` — ${reports.length - current} instances were started, then stopped again (or left draining) by the provisioner` : ''}. Each instance's own start (PullCode + InitRuntime + InitFunction, measured by the service) with ${PROVISIONER_PARALLEL} starting at once: p50 ${fmt(own.p50)} ms, p95 ${fmt(own.p95)} ms, against ${fmt(aloneSum)} ms for one alone: the starts share the machine's cores.`,
          `The cap: PUT target ${TARGET + 1} with maxInstances ${TARGET} was refused (${over}) and left the target at 0; at most ${most} instances of the function were listed while provisioning (polled with the GET). With the provisioned instances up, an on-demand call to LATEST ${atCap === null ? 'succeeded (there was room under the cap)' : `was refused: ${atCap.slice(0, 200)}`}. A call through the alias answered from a provisioned instance whose initializer had run.`,
          leftAfterRelease === 0
            ? `Clean-up: target 0, then until GET says current 0, the instance list is empty and every one of the ${procs.length} host processes recorded before (bwrap ×2, node and slirp4netns per instance) has exited: ${fmt(releasedMs)} ms. After the last cold starts the function has no instance left.`
            : `Clean-up: after target 0, ${leftAfterRelease} instances were still listed 20 s later (the provisioner did not stop them); POST /api/functions/${SERVICE}/${FN}/reclaim stopped them and every one of the ${procs.length} host processes recorded before has exited.`,
        ],
      };
    } finally {
      await cold.close();
      await client.close();
      await svc.close();
    }
  },
};
