import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { startDirectInstance } from '../lib/direct-instance.ts';
import { ECHO_HANDLER, PAYLOAD_100B } from '../lib/echo-function.ts';
import { lambdaLocalPeer } from '../lib/lambda-local-peer.ts';
import type { HttpTarget } from '../lib/load-jobs.ts';
import { fmt, summary } from '../lib/stats.ts';
import { compared, type Scenario } from '../lib/types.ts';

/**
 * Scenario 2: sequential warm invocations with a 100-byte payload through the FC API on a
 * keep-alive connection, freezing on (default) and off, against the one hop (the same Node.js
 * runtime process called directly with the scheduler's headers) and lambda-local in-process.
 * The four take turns in rounds so that the machine's noise is shared.
 */
export const warmLatency: Scenario = {
  id: '2',
  title: 'Warm invoke latency',
  async run({ quick, progress, load }) {
    const perTarget = quick ? 300 : 4000;
    const rounds = quick ? 3 : 8;
    const frozen = await startBenchService({ freeze: true });
    const running = await startBenchService({ freeze: false });
    const direct = await startDirectInstance({ 'index.js': ECHO_HANDLER });
    const peer = lambdaLocalPeer(ECHO_HANDLER);
    try {
      progress.step('deploying the echo function to a freezing and a non-freezing service');
      const fcTarget = async (svc: BenchService): Promise<HttpTarget> => {
        await svc.deploy('lat', 'echo', { 'index.js': ECHO_HANDLER });
        return { origin: svc.url, path: '', body: PAYLOAD_100B, sign: { creds: svc.creds, service: 'lat', fn: 'echo' } };
      };
      const targets: Record<string, HttpTarget> = {
        'freezing on': await fcTarget(frozen),
        'freezing off': await fcTarget(running),
        'one hop': direct.target(PAYLOAD_100B),
      };
      const samples: Record<string, number[]> = { 'freezing on': [], 'freezing off': [], 'one hop': [], 'lambda-local': [] };
      const tick = progress.counter(`rounds of ${perTarget / rounds} sequential calls to each of 4 targets:`, rounds);
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
      const hop = (p: 'p50' | 'p99') => ({ name: `one hop ${p}`, value: s['one hop'][p] });
      const ll = (p: 'p50' | 'p99') => ({ name: `lambda-local ${p}`, value: s['lambda-local'][p] });
      return {
        figures: [
          compared('freezing off p50', s['freezing off'].p50, 'µs', hop('p50'), { text: 'p50 ≤ 2× one hop', met: (r) => r <= 2 }),
          compared('freezing off p99', s['freezing off'].p99, 'µs', hop('p99')),
          compared('freezing off p50 vs lambda-local', s['freezing off'].p50, 'µs', ll('p50')),
          compared('freezing on p50', s['freezing on'].p50, 'µs', hop('p50')),
          compared('freezing on p99', s['freezing on'].p99, 'µs', hop('p99')),
          compared('what freezing costs (on ÷ off, p50)', s['freezing on'].p50, 'µs', { name: 'freezing off p50', value: s['freezing off'].p50 }),
        ],
        notes: [
          `${perTarget} sequential calls per target (${rounds} rounds, taking turns, after ${quick ? 100 : 300} warm-up calls), 100-byte payload, echo handler. Client: undici on one keep-alive connection, in a worker thread; FC calls are signed with the SDK's Client.getSignature.`,
          `One hop: src/server/runtimes/nodejs/bootstrap.cjs spawned directly, POST /invoke with the scheduler's headers (p50 ${fmt(s['one hop'].p50)} µs, p99 ${fmt(s['one hop'].p99)} µs). lambda-local 2.2 in the main thread: p50 ${fmt(s['lambda-local'].p50)} µs, p99 ${fmt(s['lambda-local'].p99)} µs.`,
          `Freezing costs ${fmt(s['freezing on'].p50 - s['freezing off'].p50)} µs per call at p50 (${fmt(s['freezing on'].p99 - s['freezing off'].p99)} µs at p99): SIGCONT before the call, SIGSTOP after it, and the first request after SIGCONT.`,
        ],
      };
    } finally {
      peer.remove();
      await direct.close();
      await frozen.close();
      await running.close();
    }
  },
};
