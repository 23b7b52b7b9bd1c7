import { bareServerDir, BARE_SERVER_JS, startBareServer } from '../lib/bare-server.ts';
import { startBenchService } from '../lib/bench-service.ts';
import { createInvokeClient } from '../lib/invoke-client.ts';
import { summary, fmt } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const TARGET = { text: 'p50 ≤ 1.15× floor', met: (r: number) => r <= 1.15 };

interface ColdSample {
  totalMs: number;
  pullCodeMs: number;
  initRuntimeMs: number;
  initFunctionMs: number;
}

/**
 * Scenario 1: cold starts of a Node.js event function and of a custom runtime (both with prepared
 * code), forced by reclaiming the instance before each call, against spawning a bare `node` HTTP
 * server with an instance's clean environment and timing spawn → first response. The three kinds
 * take turns, so a noisy moment of the machine hits them alike.
 */
export const coldStart: Scenario = {
  id: '1',
  title: 'Cold start',
  async run({ quick, progress }) {
    const rounds = quick ? 10 : 30;
    const svc = await startBenchService();
    const bare = bareServerDir();
    const client = createInvokeClient(svc.url, svc.creds);
    try {
      progress.step('deploying a Node.js and a custom-runtime function, waiting for prepared code');
      await svc.deploy('cold', 'node', { 'index.js': `exports.handler = async (event) => event;` });
      await svc.deploy('cold', 'custom', { 'server.js': BARE_SERVER_JS }, { runtime: 'custom', customRuntimeConfig: { command: ['node', 'server.js'] } });

      const coldCall = async (fn: string): Promise<ColdSample> => {
        await svc.api(`/functions/cold/${fn}/reclaim`, { method: 'POST' });
        const t0 = performance.now();
        const { requestId } = await client.invoke('cold', fn, 'x');
        const totalMs = performance.now() - t0;
        const rec = await svc.api(`/invocations/${requestId}`);
        if (!rec.coldStart || !rec.initReport) throw new Error(`invocation ${requestId} of ${fn} was not a cold start`);
        return { totalMs, ...rec.initReport };
      };
      const floorCall = async () => {
        const { ms, proc } = await startBareServer(bare.dir);
        await proc.kill();
        return ms;
      };

      // One untimed round: the first start of each kind pays for loading code into this process's caches.
      await coldCall('node');
      await coldCall('custom');
      await floorCall();

      const node: ColdSample[] = [];
      const custom: ColdSample[] = [];
      const floor: number[] = [];
      const tick = progress.counter('cold starts (Node.js, custom, bare node) ×', rounds);
      const steps = [async () => node.push(await coldCall('node')), async () => custom.push(await coldCall('custom')), async () => floor.push(await floorCall())];
      for (let i = 0; i < rounds; i++) {
        for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
        tick(i + 1);
      }

      const f = summary(floor);
      const floorRef = (p: 'p50' | 'p95') => ({ name: `bare node spawn→first response ${p}`, value: f[p] });
      const figures: Figure[] = [];
      for (const [label, samples] of [['Node.js', node], ['custom runtime', custom]] as const) {
        const total = summary(samples.map((s) => s.totalMs));
        figures.push(compared(`${label} total p50`, total.p50, 'ms', floorRef('p50'), TARGET));
        figures.push(compared(`${label} total p95`, total.p95, 'ms', floorRef('p95')));
        for (const phase of ['pullCodeMs', 'initRuntimeMs', 'initFunctionMs'] as const) {
          const s = summary(samples.map((x) => x[phase]));
          figures.push({ measure: `${label} ${phase.replace(/Ms$/, '').replace(/^./, (c) => c.toUpperCase())} p50`, value: s.p50, unit: 'ms', detail: `p95 ${fmt(s.p95)} ms` });
        }
      }
      return {
        figures,
        notes: [
          `${rounds} cold starts of each kind, taking turns; each fnplay start is forced by POST /api/functions/:s/:f/reclaim. Total is measured by the client: signed InvokeFunction on a keep-alive connection, request to response.`,
          'The custom runtime runs `node server.js` (customRuntimeConfig.command), the same server.js as the floor, so the two differ only by what fnplay adds.',
          `Floor: \`node server.js\` spawned with an instance's environment (no NODE_EXTRA_CA_CERTS), timed to its first answer on a new connection: p50 ${fmt(f.p50)} ms, p95 ${fmt(f.p95)} ms.`,
        ],
      };
    } finally {
      await client.close();
      await svc.close();
      bare.remove();
    }
  },
};
