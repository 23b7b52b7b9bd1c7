import { bareServerDir, startBareServer } from '../lib/bare-server.ts';
import { startBenchService } from '../lib/bench-service.ts';
import { startHeldInstances } from '../lib/held-instances.ts';
import { instancesCpuMs, instancesMemory, instanceProcesses, type ProcessKind } from '../lib/instance-processes.ts';
import { machineCpuPercent, MB, memoryOf, processCpuMs, treesMemory } from '../lib/machine.ts';
import { fmt, sleep, until } from '../lib/stats.ts';
import { compared, type Scenario } from '../lib/types.ts';

/** n bare servers spawned at once, timed until every one has answered; their memory, then killed. */
async function bareFloor(n: number, tick: (started: number) => void) {
  const bare = bareServerDir();
  try {
    let started = 0;
    const t0 = performance.now();
    const servers = await Promise.all(
      Array.from({ length: n }, async () => {
        const s = await startBareServer(bare.dir);
        tick(++started);
        return s;
      }),
    );
    const ms = performance.now() - t0;
    await sleep(300);
    const mem = treesMemory(servers.map((s) => s.proc.pid));
    await Promise.all(servers.map((s) => s.proc.kill()));
    return { ms, mem };
  } finally {
    bare.remove();
  }
}

/**
 * Scenario 4: N instances at once (100 quick, 300 = the account cap full), in the default config
 * (each in its own sandbox where bwrap works). A function with instanceConcurrency 1 whose handler
 * holds until all N calls are in flight, so N instances must run together; then, all of them
 * frozen: memory per instance (RSS and PSS of every process it has on the host: bwrap's two, the
 * function's, slirp4netns), CPU of the instances, the service and the machine. Against N bare
 * `node` servers spawned at once (their time to all answer, and their memory).
 */
export const scale: Scenario = {
  id: '4',
  title: 'Scale',
  async run({ quick, progress }) {
    const n = quick ? 100 : 300;
    const cpuWindowMs = quick ? 1500 : 4000;

    // 1. the floor
    progress.step(`floor: spawning ${n} bare node servers at once`);
    const floor = await bareFloor(n, progress.counter('bare servers answering:', n));

    // 2. fnplay, alone in its own process: n instances held, then released and frozen
    const baselineCpu = await machineCpuPercent(cpuWindowMs / 2);
    const svc = await startBenchService({ maxInstances: n });
    const idleServiceRss = memoryOf(svc.pid).rss;
    try {
      const sb = svc.sandbox;
      const isolation = sb.kind === 'bwrap' ? `sandboxed (bwrap, cgroup ${sb.cgroup}, network ${sb.network})` : 'unsandboxed (no sandbox here)';
      progress.step(`starting ${n} instances, ${isolation}: ${n} concurrent calls`);
      const held = await startHeldInstances(svc, n, progress.counter('instances with a call in flight:', n));

      progress.step('waiting for every instance to be frozen');
      const list = await until(async () => {
        const l = await svc.instances('scale', 'held');
        return l.length === n && l.every((i) => i.state === 'Frozen') && l;
      }, `${n} frozen instances`, 60_000);
      await sleep(300);
      const procs = instanceProcesses(svc.pid, list);
      const mem = instancesMemory(procs.instances);
      const serviceRss = memoryOf(svc.pid).rss;

      progress.step(`measuring CPU for ${cpuWindowMs / 1000} s with ${n} frozen instances`);
      const inst0 = instancesCpuMs(procs.instances);
      const service0 = processCpuMs(svc.pid);
      const machineCpu = await machineCpuPercent(cpuWindowMs);
      const inst1 = instancesCpuMs(procs.instances);
      const used = (k: ProcessKind | 'all') => (inst1.get(k) ?? 0) - (inst0.get(k) ?? 0);
      const serviceCpuPct = ((processCpuMs(svc.pid) - service0) / cpuWindowMs) * 100;
      const instancesCpuPct = (used('all') / cpuWindowMs) * 100;

      const per = (k: 'rss' | 'pss') => mem[k] / n / MB;
      const kinds = [...mem.byKind.entries()].map(([k, m]) => `${k} ×${fmt(m.processes / n)}: RSS ${fmt(m.rss / n / MB)}, PSS ${fmt(m.pss / n / MB)}`).join('; ');
      const bareRef = (k: 'rss' | 'pss') => ({ name: `bare node server ${k.toUpperCase()}`, value: floor.mem[k] / n / MB });
      return {
        figures: [
          compared(`time to start ${n} instances, ${isolation}`, held.startAllMs, 'ms', { name: `${n} bare node servers`, value: floor.ms }),
          { ...compared('RSS per frozen instance (all its processes)', per('rss'), 'MB', bareRef('rss')), detail: `per instance, MB: ${kinds}` },
          compared('PSS per frozen instance (all its processes)', per('pss'), 'MB', bareRef('pss')),
          compared(`CPU of the machine, ${n} frozen`, machineCpu, '%', { name: 'machine before the service started', value: baselineCpu }),
          { measure: `CPU of fnplay (service + instances), ${n} frozen`, value: serviceCpuPct + instancesCpuPct, unit: '% of a core', target: { text: '~0 (< 1 % of a core)', met: serviceCpuPct + instancesCpuPct < 1 }, detail: `service ${fmt(serviceCpuPct)} %, instances ${fmt(instancesCpuPct)} % (slirp4netns ${fmt(used('slirp4netns'))} ms, bwrap ${fmt(used('bwrap'))} ms, function ${fmt(used('function'))} ms)` },
          compared(`service RSS with ${n} instances`, serviceRss / MB, 'MB', { name: 'service with no instance', value: idleServiceRss / MB }),
        ],
        notes: [
          `${n} calls at once to a function with instanceConcurrency 1 whose handler holds until its process gets SIGWINCH, sent (repeatedly) to every instance's processes once all ${n} have a call in flight (GET /api/functions/…/instances, polled). Time to start them all: first call sent → the ${n}th handler entered (wall clock, from the handlers' answers). Floor: ${n} \`node server.js\` spawned at once, until each has answered its first request.`,
          `Instances ${isolation}. Memory once all ${n} are Frozen: RSS and PSS from /proc/<pid>/smaps_rollup, summed over every host process of each instance: the tree under its pid (the outer bwrap, the sandbox's pid 1 and the function, when sandboxed) plus its slirp4netns (a child of the service, matched by the pid it attaches to; ${procs.unattributedSlirps} left unmatched). ${fmt(mem.processes / n)} processes per instance: RSS ${fmt(per('rss'))} MB, PSS ${fmt(per('pss'))} MB per instance (${kinds}); bare node servers: RSS ${fmt(floor.mem.rss / n / MB)} MB, PSS ${fmt(floor.mem.pss / n / MB)} MB each.`,
          `CPU over ${cpuWindowMs / 1000} s with all frozen: whole machine ${fmt(machineCpu)} % (before the service started: ${fmt(baselineCpu)} %; other work on the machine shows up in both); every process of the instances together ${fmt(used('all'))} ms (slirp4netns, not frozen, ${fmt(used('slirp4netns'))} ms), the service process ${fmt(serviceCpuPct)} % of one core (/proc/<pid>/stat, 10 ms ticks).`,
          `For this scenario the service runs alone in a child process (bench/lib/service-child.ts: startFnplay with the same config, loaded through tsx as \`npm start\` does), so that its RSS is its own: ${fmt(idleServiceRss / MB)} MB right after it started, ${fmt(serviceRss / MB)} MB with ${n} frozen instances.`,
        ],
      };
    } finally {
      progress.step(`stopping ${n} instances`);
      await svc.close();
    }
  },
};
