import { bareServerEnv, BARE_SERVER_JS } from '../lib/bare-server.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { startDirectInstance } from '../lib/direct-instance.ts';
import { ECHO_HANDLER, PAYLOAD_100B } from '../lib/echo-function.ts';
import { lambdaLocalPeer } from '../lib/lambda-local-peer.ts';
import type { HttpTarget } from '../lib/load-jobs.ts';
import { fmt, summary } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const fcTarget = (svc: BenchService, fn: string): HttpTarget => ({ origin: svc.url, path: '', body: PAYLOAD_100B, sign: { creds: svc.creds, service: 'lat', fn } });

/** The echo function, and (on `withCustom`) a custom runtime that echoes too: the same server.js as the cold-start floor. */
async function deployEcho(svc: BenchService, withCustom: boolean) {
  await svc.deploy('lat', 'echo', { 'index.js': ECHO_HANDLER });
  if (withCustom) {
    await svc.deploy('lat', 'custom', { 'server.js': BARE_SERVER_JS }, {
      runtime: 'custom', customRuntimeConfig: { command: ['node', 'server.js'] }, environmentVariables: bareServerEnv(svc.sandbox),
    });
  }
}

/**
 * Scenario 2: sequential warm invocations with a 100-byte payload through the FC API on a
 * keep-alive connection: in the sandbox (the default config) with freezing on (default) and off,
 * and the same with `sandbox: 'off'`; a custom runtime sandboxed (Unix socket → socat relay in the
 * sandbox → TCP) and not (TCP to FC_SERVER_PORT). Against the one hop (the same Node.js runtime
 * process called directly with the scheduler's headers) and lambda-local in-process. All take
 * turns in rounds so that the machine's noise is shared.
 */
export const warmLatency: Scenario = {
  id: '2',
  title: 'Warm invoke latency',
  async run({ quick, progress, load }) {
    const perTarget = quick ? 300 : 4000;
    const rounds = quick ? 3 : 8;
    const boxedFrozen = await startBenchService({ freeze: true });
    const boxedRunning = await startBenchService({ freeze: false });
    const openFrozen = await startBenchService({ freeze: true, sandbox: 'off' });
    const openRunning = await startBenchService({ freeze: false, sandbox: 'off' });
    const direct = await startDirectInstance({ 'index.js': ECHO_HANDLER });
    const directUnix = await startDirectInstance({ 'index.js': ECHO_HANDLER }, { unixSocket: true });
    const peer = lambdaLocalPeer(ECHO_HANDLER);
    try {
      const sandboxed = boxedRunning.sandbox.kind === 'bwrap';
      progress.step(`deploying the echo function to 4 services (sandbox ${sandboxed ? 'bwrap' : 'unavailable'} and off, freezing on and off), a custom runtime to the 2 not freezing`);
      for (const [svc, withCustom] of [[boxedFrozen, false], [boxedRunning, true], [openFrozen, false], [openRunning, true]] as const) await deployEcho(svc, withCustom);
      const targets: Record<string, HttpTarget> = {
        'sandboxed, freezing on': fcTarget(boxedFrozen, 'echo'),
        'sandboxed, freezing off': fcTarget(boxedRunning, 'echo'),
        'sandbox off, freezing on': fcTarget(openFrozen, 'echo'),
        'sandbox off, freezing off': fcTarget(openRunning, 'echo'),
        'custom runtime, sandboxed, freezing off': fcTarget(boxedRunning, 'custom'),
        'custom runtime, sandbox off, freezing off': fcTarget(openRunning, 'custom'),
        'one hop': direct.target(PAYLOAD_100B),
        'one hop, Unix socket': directUnix.target(PAYLOAD_100B),
      };
      const samples: Record<string, number[]> = Object.fromEntries([...Object.keys(targets), 'lambda-local'].map((k) => [k, []]));
      const tick = progress.counter(`rounds of ${perTarget / rounds} sequential calls to each of ${Object.keys(samples).length} targets:`, rounds);
      for (let r = 0; r < rounds; r++) {
        const warmup = r === 0 ? (quick ? 100 : 300) : 20;
        for (const [name, target] of Object.entries(targets)) {
          const res = await load.run({ kind: 'sequential', target, count: perTarget / rounds, warmup });
          if (res.errors) throw new Error(`${name}: ${res.errors} calls failed, first: ${res.firstError}`);
          samples[name].push(...res.latenciesUs);
        }
        samples['lambda-local'].push(...(await peer.sequential(PAYLOAD_100B, perTarget / rounds, warmup)));
        tick(r + 1);
      }

      const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summary(v)]));
      const ref = (k: string, p: 'p50' | 'p99') => ({ name: `${k} ${p}`, value: s[k][p] });
      const pair = (k: string, against: string, target?: Parameters<typeof compared>[4]): Figure[] => [
        compared(`${k} p50`, s[k].p50, 'µs', ref(against, 'p50'), target),
        compared(`${k} p99`, s[k].p99, 'µs', ref(against, 'p99')),
      ];
      const label = sandboxed ? 'sandboxed' : 'default config (no sandbox here)';
      const figures: Figure[] = [
        ...pair('sandbox off, freezing off', 'one hop', { text: 'p50 ≤ 2× one hop', met: (r) => r <= 2 }),
        compared('sandbox off, freezing off p50 vs lambda-local', s['sandbox off, freezing off'].p50, 'µs', ref('lambda-local', 'p50')),
        compared('sandbox off, freezing off p50 vs one hop on a Unix socket', s['sandbox off, freezing off'].p50, 'µs', ref('one hop, Unix socket', 'p50')),
        compared(`${label}, freezing off p50 vs one hop on a Unix socket`, s['sandboxed, freezing off'].p50, 'µs', ref('one hop, Unix socket', 'p50')),
        ...pair('sandboxed, freezing off', 'sandbox off, freezing off'),
        ...pair('sandboxed, freezing on', 'sandbox off, freezing on'),
        compared('what freezing costs, sandboxed (on ÷ off, p50)', s['sandboxed, freezing on'].p50, 'µs', ref('sandboxed, freezing off', 'p50')),
        compared('what freezing costs, sandbox off (on ÷ off, p50)', s['sandbox off, freezing on'].p50, 'µs', ref('sandbox off, freezing off', 'p50')),
        ...pair('custom runtime, sandboxed, freezing off', 'custom runtime, sandbox off, freezing off'),
      ];
      const d = (a: string, b: string, p: 'p50' | 'p99' = 'p50') => fmt(s[a][p] - s[b][p]);
      return {
        figures,
        notes: [
          `${perTarget} sequential calls per target (${rounds} rounds, taking turns, after ${quick ? 100 : 300} warm-up calls), 100-byte payload, echo handler. Client: undici on one keep-alive connection, in a worker thread; FC calls are signed with the SDK's Client.getSignature. Four services, each in its own process: the default config (sandbox ${sandboxed ? `bwrap, cgroup ${boxedRunning.sandbox.cgroup}` : 'unavailable here, so none'}) and sandbox: 'off', each with freezing on and off.`,
          `One hop: src/server/runtimes/nodejs/bootstrap.cjs spawned directly and called on TCP (FC_SERVER_PORT), POST /invoke with the scheduler's headers (p50 ${fmt(s['one hop'].p50)} µs, p99 ${fmt(s['one hop'].p99)} µs); the same on a Unix socket (FNPLAY_CA_SOCKET, the hop fnplay makes to a Node.js instance now, sandboxed or not): p50 ${fmt(s['one hop, Unix socket'].p50)} µs, p99 ${fmt(s['one hop, Unix socket'].p99)} µs. lambda-local 2.2 in the main thread: p50 ${fmt(s['lambda-local'].p50)} µs, p99 ${fmt(s['lambda-local'].p99)} µs.`,
          `Node.js instances listen on a Unix socket with or without the sandbox: the channel is the same, so sandboxed − unsandboxed (${d('sandboxed, freezing off', 'sandbox off, freezing off')} µs at p50, freezing off) is the sandbox's per-call work: the call goes through the same kind of socket; what differs is the memory gauge (each call resets and reads the peak in the cgroup's counters; unsandboxed, the process tree's VmHWM in /proc) and the process's namespaces.`,
          `The custom runtime is reached through socat in the sandbox (the service's Unix socket → 127.0.0.2:CAPort inside) and directly on TCP without: the relay costs ${d('custom runtime, sandboxed, freezing off', 'custom runtime, sandbox off, freezing off')} µs at p50, ${d('custom runtime, sandboxed, freezing off', 'custom runtime, sandbox off, freezing off', 'p99')} µs at p99.`,
          `Freezing costs ${d('sandboxed, freezing on', 'sandboxed, freezing off')} µs per call at p50 sandboxed (${sandboxed ? `cgroup ${boxedRunning.sandbox.cgroup} freezer` : 'SIGSTOP'}), ${d('sandbox off, freezing on', 'sandbox off, freezing off')} µs unsandboxed (SIGCONT before the call, SIGSTOP after it), plus the first request after the thaw.`,
        ],
      };
    } finally {
      peer.remove();
      await direct.close();
      await directUnix.close();
      for (const svc of [boxedFrozen, boxedRunning, openFrozen, openRunning]) await svc.close();
    }
  },
};
