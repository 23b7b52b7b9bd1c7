import { bareServerDir, bareServerEnv, BARE_SERVER_JS, startBareServer } from '../lib/bare-server.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { coldCaller, coldStartsInTurns, phasesText, type ColdSample } from '../lib/cold-call.ts';
import { fmt, summary } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const FLOOR_TARGET = { text: 'p50 ≤ 1.15× floor', met: (r: number) => r <= 1.15 };
const SANDBOX_TARGET = { text: 'sandbox adds ≤ 15 %', met: (r: number) => r <= 1.15 };

/** The same Node.js and custom-runtime functions in one service; `offline` has internetAccess false. */
async function deployColdFunctions(svc: BenchService) {
  await svc.createService('cold-offline', { internetAccess: false });
  const node = { 'index.js': `exports.handler = async (event) => event;` };
  await svc.deploy('cold', 'node', node);
  await svc.deploy('cold-offline', 'node', node);
  await svc.deploy('cold', 'custom', { 'server.js': BARE_SERVER_JS }, {
    runtime: 'custom', customRuntimeConfig: { command: ['node', 'server.js'] }, environmentVariables: bareServerEnv(svc.sandbox),
  });
}

/**
 * Scenario 1: cold starts of a Node.js event function and of a custom runtime (both with prepared
 * code), forced by reclaiming the instance before each call, in the sandbox (the default config),
 * with `sandbox: 'off'`, and (Node.js) in the sandbox without internetAccess, so without
 * slirp4netns. The floor: spawning a bare `node` HTTP server with an instance's clean environment,
 * timed spawn → first response. All kinds take turns, so a noisy moment of the machine hits them alike.
 */
export const coldStart: Scenario = {
  id: '1',
  title: 'Cold start',
  async run({ quick, progress }) {
    const rounds = quick ? 10 : 30;
    const boxedSvc = await startBenchService();
    const openSvc = await startBenchService({ sandbox: 'off' });
    const boxed = coldCaller(boxedSvc);
    const open = coldCaller(openSvc);
    const bare = bareServerDir();
    try {
      const sandboxed = boxedSvc.sandbox.kind === 'bwrap';
      progress.step(`deploying a Node.js and a custom-runtime function to a service with the default sandbox (${sandboxed ? `bwrap, cgroup ${boxedSvc.sandbox.cgroup}, network ${boxedSvc.sandbox.network}` : 'unavailable here'}) and one with sandbox off`);
      await deployColdFunctions(boxedSvc);
      await deployColdFunctions(openSvc);

      const floorCall = async () => {
        const { ms, proc } = await startBareServer(bare.dir);
        await proc.kill();
        return ms;
      };
      const kinds: Record<string, () => Promise<ColdSample>> = {
        'Node.js, sandbox off': () => open.call('cold', 'node'),
        'custom runtime, sandbox off': () => open.call('cold', 'custom'),
        ...(sandboxed ? {
          'Node.js, sandboxed': () => boxed.call('cold', 'node'),
          'Node.js, sandboxed, no internetAccess': () => boxed.call('cold-offline', 'node'),
          'custom runtime, sandboxed': () => boxed.call('cold', 'custom'),
        } : {}),
      };
      const { cold: samples, floor } = await coldStartsInTurns(kinds, floorCall, rounds, progress);

      const f = summary(floor);
      const floorRef = (p: 'p50' | 'p95') => ({ name: `bare node spawn→first response ${p}`, value: f[p] });
      const total = (k: string) => summary(samples[k].map((s) => s.totalMs));
      const offRef = (k: string, p: 'p50' | 'p95' = 'p50') => ({ name: `${k} ${p}`, value: total(k)[p] });
      const withPhases = (fig: Figure, k: string): Figure => ({ ...fig, detail: phasesText(samples[k]) });
      const figures: Figure[] = [];
      for (const k of ['Node.js, sandbox off', 'custom runtime, sandbox off']) {
        figures.push(withPhases(compared(`${k}, total p50`, total(k).p50, 'ms', floorRef('p50'), FLOOR_TARGET), k));
        figures.push(compared(`${k}, total p95`, total(k).p95, 'ms', floorRef('p95')));
      }
      const notes: string[] = [];
      if (sandboxed) {
        const node = 'Node.js, sandboxed';
        const offline = 'Node.js, sandboxed, no internetAccess';
        const custom = 'custom runtime, sandboxed';
        figures.push(
          withPhases(compared(`${node}, total p50`, total(node).p50, 'ms', offRef('Node.js, sandbox off'), SANDBOX_TARGET), node),
          compared(`${node}, total p95`, total(node).p95, 'ms', offRef('Node.js, sandbox off', 'p95')),
          compared(`${node}, total p50 vs the floor`, total(node).p50, 'ms', floorRef('p50')),
          withPhases(compared(`${offline}, total p50`, total(offline).p50, 'ms', offRef('Node.js, sandbox off')), offline),
          withPhases(compared(`${custom}, total p50`, total(custom).p50, 'ms', offRef('custom runtime, sandbox off')), custom),
          compared(`${custom}, total p95`, total(custom).p95, 'ms', offRef('custom runtime, sandbox off', 'p95')),
        );
        notes.push(
          `Sandbox of the default config: bwrap, cgroup ${boxedSvc.sandbox.cgroup}, network ${boxedSvc.sandbox.network}. What it adds at p50: Node.js ${fmt(total(node).p50 - total('Node.js, sandbox off').p50)} ms, of which outbound network (slirp4netns, started once the namespace exists, before the function may run) ${fmt(total(node).p50 - total(offline).p50)} ms; custom runtime ${fmt(total(custom).p50 - total('custom runtime, sandbox off').p50)} ms (bwrap, then instance-init.sh polls 127.0.0.2:CAPort every ~4 ms and starts the socat relay once the server listens).`,
        );
      } else {
        notes.push(`No sandbox here, so the sandboxed kinds were not run: ${boxedSvc.sandbox.notices.join(' ')}`);
      }
      notes.push(
        `${rounds} cold starts of each kind, taking turns; each fnplay start is forced by POST /api/functions/:s/:f/reclaim. Total is measured by the client: signed InvokeFunction on a keep-alive connection, request to response. The two services (default config, and sandbox: 'off') run in their own processes side by side.`,
        'The custom runtime runs `node server.js` (customRuntimeConfig.command), the same server.js as the floor, so the two differ only by what fnplay adds; in the sandbox it listens on 0.0.0.0 (its own network namespace), unsandboxed on 127.0.0.1.',
        `Floor: \`node server.js\` spawned with an instance's environment (no NODE_EXTRA_CA_CERTS), timed to its first answer on a new connection: p50 ${fmt(f.p50)} ms, p95 ${fmt(f.p95)} ms.`,
      );
      return { figures, notes };
    } finally {
      await boxed.close();
      await open.close();
      await boxedSvc.close();
      await openSvc.close();
      bare.remove();
    }
  },
};
