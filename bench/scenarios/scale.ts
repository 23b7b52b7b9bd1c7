import { Pool } from 'undici';
import { bareServerDir, startBareServer } from '../lib/bare-server.ts';
import { BARRIER_HANDLER, startBarrier } from '../lib/barrier.ts';
import { startBenchService } from '../lib/bench-service.ts';
import { createInvokeSigner } from '../lib/fc-signer.ts';
import { machineCpuPercent, MB, memoryOf, processCpuMs, treesMemory } from '../lib/machine.ts';
import { fmt, sleep, until } from '../lib/stats.ts';
import { compared, type Scenario } from '../lib/types.ts';

/**
 * Scenario 4: N instances at once (100 quick, 300 = the account cap full). A function with
 * instanceConcurrency 1 whose handler holds until N calls are in flight, so N instances must run
 * together; then, all of them frozen: RSS per instance, CPU of the machine, memory of the service.
 * Against N bare `node` servers spawned at once (their time to all answer, and their RSS).
 */
export const scale: Scenario = {
  id: '4',
  title: 'Scale',
  async run({ quick, progress }) {
    const n = quick ? 100 : 300;
    const cpuWindowMs = quick ? 1500 : 4000;
    const notes: string[] = [];

    // 1. the floor: n bare servers spawned at once, timed until every one has answered
    const bare = bareServerDir();
    let floorMs: number;
    let floorMem: ReturnType<typeof treesMemory>;
    {
      progress.step(`floor: spawning ${n} bare node servers at once`);
      let started = 0;
      const tick = progress.counter('bare servers answering:', n);
      const t0 = performance.now();
      const servers = await Promise.all(
        Array.from({ length: n }, async () => {
          const s = await startBareServer(bare.dir);
          tick(++started);
          return s;
        }),
      );
      floorMs = performance.now() - t0;
      await sleep(300);
      floorMem = treesMemory(servers.map((s) => s.proc.pid));
      await Promise.all(servers.map((s) => s.proc.kill()));
      bare.remove();
    }

    // 2. fnplay, alone in its own process: n instances held at a barrier, then released and frozen
    const baselineCpu = await machineCpuPercent(cpuWindowMs / 2);
    const svc = await startBenchService({ maxInstances: n });
    const idleServiceRss = memoryOf(svc.pid).rss;
    const tick = progress.counter('instances in flight at the barrier:', n);
    const barrier = await startBarrier(n, tick);
    const pool = new Pool(svc.url, { connections: n, headersTimeout: 0, bodyTimeout: 0 });
    try {
      await svc.deploy('scale', 'held', { 'index.js': BARRIER_HANDLER }, { instanceConcurrency: 1, environmentVariables: { BARRIER_URL: barrier.url } });
      const signer = createInvokeSigner(svc.creds, 'scale', 'held');
      progress.step(`starting ${n} instances: ${n} concurrent calls`);
      const t0 = performance.now();
      const calls = Array.from({ length: n }, async () => {
        const res = await pool.request({ method: 'POST', path: signer.path, headers: signer.headers(), body: 'x' });
        const body = await res.body.text();
        if (res.statusCode !== 200 || res.headers['x-fc-error-type']) throw new Error(`${res.statusCode} ${body.slice(0, 300)}`);
      });
      const allIn = await Promise.race([barrier.filled, Promise.all(calls).then(() => Promise.reject(new Error('calls ended before the barrier filled')))]);
      const startAllMs = allIn - t0;
      await Promise.all(calls);

      progress.step('waiting for every instance to be frozen');
      const list = await until(async () => {
        const l = await svc.instances('scale', 'held');
        return l.length === n && l.every((i) => i.state === 'Frozen') && l;
      }, `${n} frozen instances`, 60_000);
      await sleep(300);
      const pids = list.map((i) => i.pid);
      const mem = treesMemory(pids);
      const serviceRss = memoryOf(svc.pid).rss;

      progress.step(`measuring CPU for ${cpuWindowMs / 1000} s with ${n} frozen instances`);
      const instCpu0 = pids.reduce((s, p) => s + processCpuMs(p), 0);
      const serviceCpu0 = processCpuMs(svc.pid);
      const machineCpu = await machineCpuPercent(cpuWindowMs);
      const instCpuMs = pids.reduce((s, p) => s + processCpuMs(p), 0) - instCpu0;
      const serviceCpuPct = ((processCpuMs(svc.pid) - serviceCpu0) / cpuWindowMs) * 100;
      const fnplayCpuPct = serviceCpuPct + (instCpuMs / cpuWindowMs) * 100;

      notes.push(
        `${n} calls at once to a function with instanceConcurrency 1 whose handler waits (an HTTP call to a barrier on loopback) until all ${n} are in flight. Time to start them all: first call sent → ${n}th handler running. Floor: ${n} \`node server.js\` spawned at once, until each has answered its first request.`,
        `Memory: RSS and PSS summed over every process of each instance's tree, from /proc/<pid>/smaps_rollup, once all ${n} are Frozen: RSS ${fmt(mem.rss / n / MB)} MB and PSS ${fmt(mem.pss / n / MB)} MB per instance (${mem.processes} processes); bare node servers: RSS ${fmt(floorMem.rss / n / MB)} MB, PSS ${fmt(floorMem.pss / n / MB)} MB each.`,
        `CPU over ${cpuWindowMs / 1000} s with all frozen: whole machine ${fmt(machineCpu)} % (before the service started: ${fmt(baselineCpu)} %; other work on the machine shows up in both); the instances used ${fmt(instCpuMs)} ms of CPU, the service process ${fmt(serviceCpuPct)} % of one core (/proc/<pid>/stat, 10 ms ticks).`,
        `For this scenario the service runs alone in a child process (bench/lib/service-child.ts: startFnplay with the same config, loaded through tsx as \`npm start\` does), so that its RSS is its own: ${fmt(idleServiceRss / MB)} MB right after it started, ${fmt(serviceRss / MB)} MB with ${n} frozen instances.`,
      );
      return {
        figures: [
          compared(`time to start ${n} instances`, startAllMs, 'ms', { name: `${n} bare node servers`, value: floorMs }),
          compared('RSS per frozen instance', mem.rss / n / MB, 'MB', { name: 'bare node server', value: floorMem.rss / n / MB }),
          compared(`CPU of the machine, ${n} frozen`, machineCpu, '%', { name: 'machine before the service started', value: baselineCpu }),
          { measure: `CPU of fnplay (service + instances), ${n} frozen`, value: fnplayCpuPct, unit: '% of a core', target: { text: '~0 (< 1 % of a core)', met: fnplayCpuPct < 1 } },
          compared(`service RSS with ${n} instances`, serviceRss / MB, 'MB', { name: 'service with no instance', value: idleServiceRss / MB }),
        ],
        notes,
      };
    } finally {
      await pool.close();
      await barrier.close();
      progress.step(`stopping ${n} instances`);
      await svc.close();
    }
  },
};
