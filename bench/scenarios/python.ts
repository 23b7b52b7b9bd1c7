import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHostPython } from '../../src/server/runtimes/python/recipe.ts';
import { RUNTIMES } from '../../src/shared/function-config.ts';
import { startBareServer } from '../lib/bare-server.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { coldCaller, coldStartsInTurns, phasesText, type ColdSample } from '../lib/cold-call.ts';
import { ECHO_HANDLER, PAYLOAD_100B } from '../lib/echo-function.ts';
import type { HttpTarget } from '../lib/load-jobs.ts';
import { BARE_PYTHON_SERVER, PYTHON_ECHO } from '../lib/python-function.ts';
import { fmt, summary } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const RUNTIME = 'python3.10';
const SERVICE = 'python';
const PY = 'echo';
const NODE = 'node';
const BOXED = 'Python, default config';
const OFF = 'Python, sandbox off';
const NODE_BOXED = 'Node.js, same service';

const fcTarget = (svc: BenchService, fn: string): HttpTarget => ({ origin: svc.url, path: '', body: PAYLOAD_100B, sign: { creds: svc.creds, service: SERVICE, fn } });

/**
 * Scenario 11: the Python runtime (python3.10 on the host's interpreter). (1) Its cold start in the
 * default config and with sandbox off, forced by reclaiming, against the floor: the same
 * interpreter, with the runtime's flags, spawned bare running a minimal http.server that answers
 * one request, timed spawn → first response; beside them the Node.js echo in the same service.
 * (2) Its warm invoke against the Node.js echo in the same service.
 */
export const pythonRuntime: Scenario = {
  id: '11',
  title: 'Python runtime (python3.10)',
  async run({ quick, progress, load }) {
    if (!(RUNTIMES as readonly string[]).includes(RUNTIME)) return { figures: [], notes: [], skipped: `${RUNTIME} is not a runtime this fnplay runs` };
    const host = findHostPython(RUNTIME);
    if (!host) return { figures: [], notes: [], skipped: 'no Python 3 here (Debian: apt install python3)' };
    const version = spawnSync(host.binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const coldRounds = quick ? 10 : 30;
    const perTarget = quick ? 300 : 4000;
    const warmRounds = quick ? 3 : 8;

    const floorDir = mkdtempSync(join(tmpdir(), 'fnplay-bench-python-'));
    writeFileSync(join(floorDir, 'server.py'), BARE_PYTHON_SERVER);
    let boxedSvc: BenchService | null = null;
    let openSvc: BenchService | null = null;
    try {
      boxedSvc = await startBenchService();
      openSvc = await startBenchService({ sandbox: 'off' });
      const sandboxed = boxedSvc.sandbox.kind === 'bwrap';
      progress.step(`${version} (${host.binary}): deploying the Python echo and the Node.js echo to a service in the default config (sandbox ${sandboxed ? `bwrap, cgroup ${boxedSvc.sandbox.cgroup}, network ${boxedSvc.sandbox.network}` : 'unavailable here'}), and the Python echo to one with sandbox off`);
      const python = { runtime: RUNTIME, handler: 'index.handler' };
      await boxedSvc.deploy(SERVICE, PY, { 'index.py': PYTHON_ECHO }, python);
      await boxedSvc.deploy(SERVICE, NODE, { 'index.js': ECHO_HANDLER });
      await openSvc.deploy(SERVICE, PY, { 'index.py': PYTHON_ECHO }, python);

      // 1. cold starts, every kind and the floor taking turns
      const boxed = coldCaller(boxedSvc);
      const open = coldCaller(openSvc);
      const floorListened: number[] = [];
      const floorCall = async () => {
        // the flags the runtime starts its bootstrap with: unbuffered, no .pyc written
        const { ms, listenedMs, proc } = await startBareServer(floorDir, [host.binary, '-u', '-B', 'server.py'], RUNTIME);
        floorListened.push(listenedMs);
        await proc.kill();
        return ms;
      };
      const kinds: Record<string, () => Promise<ColdSample>> = {
        [BOXED]: () => boxed.call(SERVICE, PY, PAYLOAD_100B),
        [OFF]: () => open.call(SERVICE, PY, PAYLOAD_100B),
        [NODE_BOXED]: () => boxed.call(SERVICE, NODE, PAYLOAD_100B),
      };
      let cold: Record<string, ColdSample[]>;
      let floor: number[];
      try {
        ({ cold, floor } = await coldStartsInTurns(kinds, floorCall, coldRounds, progress));
      } finally {
        await boxed.close();
        await open.close();
      }

      // 2. warm invokes, Python and Node.js in the same service, taking turns
      const targets: Record<string, HttpTarget> = { Python: fcTarget(boxedSvc, PY), 'Node.js': fcTarget(boxedSvc, NODE) };
      const warm: Record<string, number[]> = { Python: [], 'Node.js': [] };
      const tickWarm = progress.counter(`rounds of ${perTarget / warmRounds} sequential calls to the Python and the Node.js echo:`, warmRounds);
      for (let r = 0; r < warmRounds; r++) {
        const warmup = r === 0 ? (quick ? 100 : 300) : 20;
        for (const name of r % 2 ? ['Node.js', 'Python'] : ['Python', 'Node.js']) {
          const res = await load.run({ kind: 'sequential', target: targets[name], count: perTarget / warmRounds, warmup });
          if (res.errors) throw new Error(`warm ${name}: ${res.errors} calls failed, first: ${res.firstError}`);
          warm[name].push(...res.latenciesUs);
        }
        tickWarm(r + 1);
      }

      return {
        figures: figuresOf(cold, floor, warm, sandboxed),
        notes: notesOf({ version, binary: host.binary, coldRounds, perTarget, warmRounds, cold, floor, floorListened, sandboxed, svc: boxedSvc }),
      };
    } finally {
      await boxedSvc?.close();
      await openSvc?.close();
      rmSync(floorDir, { recursive: true, force: true });
    }
  },
};

function figuresOf(cold: Record<string, ColdSample[]>, floor: number[], warm: Record<string, number[]>, sandboxed: boolean): Figure[] {
  const total = (k: string) => summary(cold[k].map((c) => c.totalMs));
  const f = summary(floor);
  const bareRef = (p: 'p50' | 'p95') => ({ name: `the same python3 spawned bare, http.server, spawn→first response ${p}`, value: f[p] });
  const withDetail = (fig: Figure, detail: string): Figure => ({ ...fig, detail });
  const boxedName = sandboxed ? 'Python, sandboxed' : 'Python, default config (no sandbox here)';
  const w = { py: summary(warm.Python), node: summary(warm['Node.js']) };
  return [
    withDetail(compared(`cold start, ${boxedName}, total p50`, total(BOXED).p50, 'ms', bareRef('p50')), phasesText(cold[BOXED])),
    compared(`cold start, ${boxedName}, total p95`, total(BOXED).p95, 'ms', bareRef('p95')),
    withDetail(compared(`cold start, ${OFF}, total p50`, total(OFF).p50, 'ms', bareRef('p50')), phasesText(cold[OFF])),
    compared(`cold start, ${OFF}, total p95`, total(OFF).p95, 'ms', bareRef('p95')),
    withDetail(compared(`cold start, ${boxedName}, total p50 vs Node.js`, total(BOXED).p50, 'ms', { name: 'Node.js echo in the same service p50', value: total(NODE_BOXED).p50 }), `Node.js ${phasesText(cold[NODE_BOXED])}`),
    withDetail(compared(`warm invoke, ${boxedName}, freezing on, p50`, w.py.p50, 'µs', { name: 'Node.js echo in the same service p50', value: w.node.p50 }), `p95 ${fmt(w.py.p95)} vs ${fmt(w.node.p95)} µs`),
    compared('warm invoke, Python, p99', w.py.p99, 'µs', { name: 'Node.js echo in the same service p99', value: w.node.p99 }),
  ];
}

function notesOf(o: {
  version: string; binary: string; coldRounds: number; perTarget: number; warmRounds: number;
  cold: Record<string, ColdSample[]>; floor: number[]; floorListened: number[]; sandboxed: boolean; svc: BenchService;
}): string[] {
  const p50 = (k: string) => summary(o.cold[k].map((c) => c.totalMs)).p50;
  return [
    `Interpreter: ${o.version} at ${o.binary}, the one the service's Python runtime picks for ${RUNTIME} (findHostPython: the host's python3.10 if it has one, else its /usr python3), started as the runtime starts its bootstrap (\`-u -B\`).`,
    `Cold starts: ${o.coldRounds} of each kind, taking turns, forced by POST /api/functions/:s/:f/reclaim, timed by the client (signed InvokeFunction on a keep-alive connection, 100-byte JSON payload echoed: \`def handler(event, context): return event\`). Floor: server.py (http.server.HTTPServer, an echoing BaseHTTPRequestHandler) spawned with an instance's environment (its own process group, stdout piped), timed to its first answer on a new connection: p50 ${fmt(summary(o.floor).p50)} ms (of which spawn → its "listening" line ${fmt(summary(o.floorListened).p50)} ms), p95 ${fmt(summary(o.floor).p95)} ms. fnplay's bootstrap serves the instance protocol with an HTTP server of its own instead of http.server (whose imports cost a start more), and imports the handler at the first request.`,
    o.sandboxed
      ? `Sandbox ${o.svc.sandbox.kind}, cgroup ${o.svc.sandbox.cgroup}, network ${o.svc.sandbox.network}. At p50 the sandbox adds ${fmt(p50(BOXED) - p50(OFF))} ms to a Python cold start (${fmt(p50(BOXED))} vs ${fmt(p50(OFF))} ms); the Node.js echo in the same sandboxed service starts in ${fmt(p50(NODE_BOXED))} ms.`
      : `No sandbox here: ${o.svc.sandbox.notices.join(' ')}`,
    `Warm: ${o.perTarget} sequential calls each to the Python and the Node.js echo in the same service (default config: freezing on), ${o.warmRounds} rounds taking turns, 100-byte payload, one keep-alive connection from a worker thread. Both are reached through the CA protocol on a Unix socket.`,
  ];
}
