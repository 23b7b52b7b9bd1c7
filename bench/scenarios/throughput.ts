import { startBenchService } from '../lib/bench-service.ts';
import { startDirectInstance } from '../lib/direct-instance.ts';
import { ECHO_HANDLER, PAYLOAD_100B } from '../lib/echo-function.ts';
import { lambdaLocalPeer } from '../lib/lambda-local-peer.ts';
import type { HttpTarget } from '../lib/load-jobs.ts';
import { fmt, percentile } from '../lib/stats.ts';
import { compared, type Scenario } from '../lib/types.ts';

const CALLERS = 32;

/**
 * Scenario 3: 32 concurrent callers through the FC API for 10 s (3 s quick), against functions
 * with instanceConcurrency 1 (32 instances, one process each) and 32 (one instance), against
 * lambda-local with 32 concurrent callers in-process, and for scale the one-hop floor (32 callers
 * straight to one runtime process).
 */
export const throughput: Scenario = {
  id: '3',
  title: 'Throughput, 32 callers',
  async run({ quick, progress, load }) {
    const durationMs = quick ? 3000 : 10_000;
    const warmupMs = quick ? 500 : 1500;
    const svc = await startBenchService();
    const direct = await startDirectInstance({ 'index.js': ECHO_HANDLER });
    const peer = lambdaLocalPeer(ECHO_HANDLER);
    try {
      progress.step('deploying the echo function with instanceConcurrency 1 and 32');
      await svc.deploy('tp', 'c1', { 'index.js': ECHO_HANDLER }, { instanceConcurrency: 1 });
      await svc.deploy('tp', 'c32', { 'index.js': ECHO_HANDLER }, { instanceConcurrency: 32 });
      const fc = (fn: string): HttpTarget => ({ origin: svc.url, path: '', body: PAYLOAD_100B, sign: { creds: svc.creds, service: 'tp', fn } });

      const run = async (name: string, target: HttpTarget) => {
        progress.step(`${name}: ${CALLERS} callers for ${durationMs / 1000} s (after ${warmupMs / 1000} s of warm-up)`);
        const r = await load.run({ kind: 'concurrent', target, callers: CALLERS, durationMs, warmupMs });
        if (r.errors) throw new Error(`${name}: ${r.errors} of ${r.calls} calls failed, first: ${r.firstError}`);
        return { perSec: r.calls / r.seconds, p50: percentile(r.latenciesUs, 50), p99: percentile(r.latenciesUs, 99) };
      };
      const c1 = await run('instanceConcurrency 1', fc('c1'));
      const c1Instances = await svc.instances('tp', 'c1');
      const pids = new Set(c1Instances.map((i) => i.pid));
      const c32 = await run('instanceConcurrency 32', fc('c32'));
      const c32Instances = (await svc.instances('tp', 'c32')).length;
      const hop = await run('one hop (runtime process called directly)', direct.target(PAYLOAD_100B));
      progress.step(`lambda-local: ${CALLERS} callers for ${durationMs / 1000} s, in the main thread`);
      const ll = await peer.concurrent(PAYLOAD_100B, CALLERS, durationMs, warmupMs);
      const llPerSec = ll.calls / ll.seconds;

      const target = { text: '≥ 2× lambda-local', met: (r: number) => r >= 2 };
      const llRef = { name: 'lambda-local, 32 callers', value: llPerSec };
      const hopRef = { name: 'one hop, 32 callers', value: hop.perSec };
      return {
        figures: [
          compared(`instanceConcurrency 1 (${pids.size} processes)`, c1.perSec, 'calls/s', llRef, target),
          compared(`instanceConcurrency 32 (${c32Instances} process)`, c32.perSec, 'calls/s', llRef, target),
          compared('instanceConcurrency 1 vs the one hop', c1.perSec, 'calls/s', hopRef),
          compared('instanceConcurrency 32 vs the one hop', c32.perSec, 'calls/s', hopRef),
        ],
        notes: [
          `Callers run in a worker thread: undici pool of ${CALLERS} keep-alive connections, each caller waits for its answer before the next call; ${durationMs / 1000} s counted after ${warmupMs / 1000} s of warm-up (cold starts excluded). Freezing on (default): an instance with no call in flight is frozen, and thawed by the next.`,
          `instanceConcurrency 1 ran on ${c1Instances.length} instances with ${pids.size} distinct pids. Latency under load: c1 p50 ${fmt(c1.p50 / 1000)} ms, p99 ${fmt(c1.p99 / 1000)} ms; c32 p50 ${fmt(c32.p50 / 1000)} ms, p99 ${fmt(c32.p99 / 1000)} ms.`,
          `References: lambda-local ${fmt(llPerSec)} calls/s (in-process, no isolation, no HTTP); one hop ${fmt(hop.perSec)} calls/s (32 callers straight to one Node.js runtime process, p50 ${fmt(hop.p50 / 1000)} ms).`,
        ],
      };
    } finally {
      peer.remove();
      await direct.close();
      await svc.close();
    }
  },
};
