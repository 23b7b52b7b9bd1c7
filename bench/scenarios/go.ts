import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBareServer } from '../lib/bare-server.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { coldCaller, coldStartsInTurns, phasesText, type ColdSample } from '../lib/cold-call.ts';
import { ECHO_HANDLER, PAYLOAD_100B } from '../lib/echo-function.ts';
import { GO_FUNCTION, GO_SERVICE, measureGoBuilds } from '../lib/go-builds.ts';
import { BARE_GO_SERVER, helloGo, zipExecutable } from '../lib/go-function.ts';
import { goInstalled, goWorkspace, timedGo, warmPageCache } from '../lib/go-toolchain.ts';
import type { HttpTarget } from '../lib/load-jobs.ts';
import { fmt, summary, until } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const OFFLINE_SERVICE = 'go-offline';

const fcTarget = (svc: BenchService, service: string, fn: string): HttpTarget => ({ origin: svc.url, path: '', body: PAYLOAD_100B, sign: { creds: svc.creds, service, fn } });

/** Creates a function from a ready zip and waits until its code is Ready. */
async function deployZip(svc: BenchService, service: string, fn: string, zipFile: string, config: Record<string, unknown>) {
  await svc.createService(service);
  await svc.client.createFunction(service, { functionName: fn, timeout: 300, code: { zipFile }, ...config });
  await until(async () => {
    const info = (await svc.client.getFunction(service, fn)).data.accelerationInfo;
    if (info.status === 'Failed') throw new Error(`preparing ${service}/${fn} failed: ${info.reason}`);
    return info.status === 'Ready';
  }, `code of ${service}/${fn} to be Ready`, 120_000);
}

/**
 * Scenario 9: the go1 runtime. (1) Its build, Go source → Ready: the first one on a fresh data dir
 * (empty Go build cache) and a rebuild after a one-line change on the same data dir, against
 * `go build` of the same program by hand with build.ts's offline flags, cold cache then warm.
 * (2) Its cold start in the default config (sandboxed), forced by reclaiming, against a bare
 * net/http server built in this run, timed spawn → first response; beside it the same binary with
 * sandbox off, sandboxed without internetAccess, and the Node.js echo sandboxed. (3) Its warm
 * invoke against the Node.js echo in the same service.
 */
export const goRuntime: Scenario = {
  id: '9',
  title: 'Go runtime (go1)',
  // Each round holds two Go builds with an empty cache (~10 s each on an idle 2-core VM, several
  // times that on a busy one).
  limitSec: { quick: 300, full: 900 },
  async run({ quick, progress, load }) {
    const version = goInstalled();
    if (!version) return { figures: [], notes: [], skipped: 'no Go toolchain here (Debian: apt install golang-go)' };
    const buildRounds = quick ? 1 : 3;
    const rebuilds = quick ? 2 : 4;
    const coldRounds = quick ? 10 : 30;
    const perTarget = quick ? 300 : 4000;
    const warmRounds = quick ? 3 : 8;

    const floorWs = goWorkspace();
    const bareWs = goWorkspace({ module: 'fnplay.local/bare', sdk: false });
    let boxedSvc: BenchService | null = null;
    let openSvc: BenchService | null = null;
    try {
      // 1. builds
      floorWs.write('main.go', helloGo(0));
      bareWs.write('main.go', BARE_GO_SERVER);
      progress.step(`${version}: reading the sources a build reads, so that the first timed build does not pay for the disk alone`);
      await warmPageCache(floorWs);
      progress.step(`${buildRounds} round(s), each on a fresh service: the first build, then ${rebuilds} one-line changes; \`go build\` alike, its cache emptied first`);
      const builds = await measureGoBuilds(floorWs, { rounds: buildRounds, rebuilds, progress });
      boxedSvc = builds.svc;
      const b = builds.samples;

      // 2. the cold-start floor, built with the floor's (now warm) cache, and the functions beside the built one
      const bareExe = join(bareWs.src, 'bare');
      await timedGo(['build', '-trimpath', '-mod=mod', '-o', bareExe, '.'], bareWs.src, floorWs.cacheDir);
      const sandboxed = boxedSvc.sandbox.kind === 'bwrap';
      progress.step(`deploying the Node.js echo beside the Go function (sandbox ${sandboxed ? `bwrap, cgroup ${boxedSvc.sandbox.cgroup}, network ${boxedSvc.sandbox.network}` : 'unavailable here'}), the Go function again without internetAccess, and its binary (prebuilt by the floor) to a service with sandbox off`);
      await boxedSvc.deploy(GO_SERVICE, 'node', { 'index.js': ECHO_HANDLER });
      await boxedSvc.createService(OFFLINE_SERVICE, { internetAccess: false });
      await boxedSvc.deploy(OFFLINE_SERVICE, GO_FUNCTION, { 'main.go': helloGo(rebuilds) }, { runtime: 'go1', handler: 'main' });
      openSvc = await startBenchService({ sandbox: 'off' });
      const binaryZip = await zipExecutable('main', readFileSync(join(floorWs.src, 'main')));
      await deployZip(openSvc, GO_SERVICE, GO_FUNCTION, binaryZip, { runtime: 'go1', handler: 'main' });

      const boxed = coldCaller(boxedSvc);
      const open = coldCaller(openSvc);
      const floorListened: number[] = [];
      const floorCall = async () => {
        const { ms, listenedMs, proc } = await startBareServer(bareWs.src, [bareExe], 'go1');
        floorListened.push(listenedMs);
        await proc.kill();
        return ms;
      };
      const goBoxed = sandboxed ? 'Go, sandboxed' : 'Go, default config (no sandbox here)';
      const kinds: Record<string, () => Promise<ColdSample>> = {
        [goBoxed]: () => boxed.call(GO_SERVICE, GO_FUNCTION, PAYLOAD_100B),
        'Go, sandbox off (same binary, prebuilt)': () => open.call(GO_SERVICE, GO_FUNCTION, PAYLOAD_100B),
        ...(sandboxed ? { 'Go, sandboxed, no internetAccess': () => boxed.call(OFFLINE_SERVICE, GO_FUNCTION, PAYLOAD_100B) } : {}),
        'Node.js, same service': () => boxed.call(GO_SERVICE, 'node', PAYLOAD_100B),
      };
      let cold: Record<string, ColdSample[]>;
      let floor: number[];
      try {
        ({ cold, floor } = await coldStartsInTurns(kinds, floorCall, coldRounds, progress));
      } finally {
        await boxed.close();
        await open.close();
      }

      // 3. warm invokes, Go and Node.js in the same service, taking turns
      const targets: Record<string, HttpTarget> = { Go: fcTarget(boxedSvc, GO_SERVICE, GO_FUNCTION), 'Node.js': fcTarget(boxedSvc, GO_SERVICE, 'node') };
      const warm: Record<string, number[]> = { Go: [], 'Node.js': [] };
      const tickWarm = progress.counter(`rounds of ${perTarget / warmRounds} sequential calls to the Go and the Node.js echo:`, warmRounds);
      for (let r = 0; r < warmRounds; r++) {
        const warmup = r === 0 ? (quick ? 100 : 300) : 20;
        for (const name of r % 2 ? ['Node.js', 'Go'] : ['Go', 'Node.js']) {
          const res = await load.run({ kind: 'sequential', target: targets[name], count: perTarget / warmRounds, warmup });
          if (res.errors) throw new Error(`warm ${name}: ${res.errors} calls failed, first: ${res.firstError}`);
          warm[name].push(...res.latenciesUs);
        }
        tickWarm(r + 1);
      }

      return { figures: figuresOf(b, cold, floor, warm, goBoxed, sandboxed), notes: notesOf({ version, buildRounds, rebuilds, coldRounds, perTarget, warmRounds, b, cold, floor, floorListened, goBoxed, sandboxed, svc: boxedSvc }) };
    } finally {
      await boxedSvc?.close();
      await openSvc?.close();
      floorWs.remove();
      bareWs.remove();
    }
  },
};

type Samples = Awaited<ReturnType<typeof measureGoBuilds>>['samples'];

function figuresOf(b: Samples, cold: Record<string, ColdSample[]>, floor: number[], warm: Record<string, number[]>, goBoxed: string, sandboxed: boolean): Figure[] {
  const s = (v: number[]) => summary(v);
  const total = (k: string) => summary(cold[k].map((c) => c.totalMs));
  const f = s(floor);
  const bareRef = (p: 'p50' | 'p95') => ({ name: `bare Go net/http server spawn→first response ${p}`, value: f[p] });
  const withDetail = (fig: Figure, detail: string): Figure => ({ ...fig, detail });
  const off = 'Go, sandbox off (same binary, prebuilt)';
  const w = { go: s(warm.Go), node: s(warm['Node.js']) };
  const figures: Figure[] = [
    withDetail(compared('first build, empty Go cache (CreateFunction → Ready), median', s(b.fnplayFirst).p50, 'ms', { name: '`go build`, empty cache, median', value: s(b.floorFirst).p50 }),
      `${b.fnplayFirst.length} builds, each on a fresh data dir: ${b.fnplayFirst.map(fmt).join(', ')} ms; floor ${b.floorFirst.map(fmt).join(', ')} ms`),
    withDetail(compared('rebuild after a one-line change (UpdateFunction → Ready), p50', s(b.fnplayCached).p50, 'ms', { name: '`go build`, warm cache, same change, p50', value: s(b.floorCached).p50 }),
      `${b.fnplayCached.length} rebuilds; max ${fmt(s(b.fnplayCached).max)} ms, floor max ${fmt(s(b.floorCached).max)} ms; the \`go mod edit\` fnplay runs first takes ${fmt(s(b.modEdit).p50)} ms alone`),
    withDetail(compared(`cold start, ${goBoxed}, total p50`, total(goBoxed).p50, 'ms', bareRef('p50')), phasesText(cold[goBoxed])),
    compared(`cold start, ${goBoxed}, total p95`, total(goBoxed).p95, 'ms', bareRef('p95')),
    withDetail(compared(`cold start, ${off}, total p50`, total(off).p50, 'ms', bareRef('p50')), phasesText(cold[off])),
  ];
  if (sandboxed) {
    const offline = 'Go, sandboxed, no internetAccess';
    figures.push(
      compared(`cold start, ${goBoxed}, total p50 vs sandbox off`, total(goBoxed).p50, 'ms', { name: `${off} p50`, value: total(off).p50 }),
      withDetail(compared(`cold start, ${offline}, total p50`, total(offline).p50, 'ms', { name: `${off} p50`, value: total(off).p50 }), phasesText(cold[offline])),
    );
  }
  figures.push(
    withDetail(compared(`cold start, ${goBoxed}, total p50 vs Node.js`, total(goBoxed).p50, 'ms', { name: 'Node.js echo in the same service p50', value: total('Node.js, same service').p50 }), `Node.js ${phasesText(cold['Node.js, same service'])}`),
    withDetail(compared(`warm invoke, Go, ${sandboxed ? 'sandboxed' : 'default config'}, freezing on, p50`, w.go.p50, 'µs', { name: 'Node.js echo in the same service p50', value: w.node.p50 }), `p95 ${fmt(w.go.p95)} vs ${fmt(w.node.p95)} µs`),
    compared('warm invoke, Go, p99', w.go.p99, 'µs', { name: 'Node.js echo in the same service p99', value: w.node.p99 }),
  );
  return figures;
}

function notesOf(o: {
  version: string; buildRounds: number; rebuilds: number; coldRounds: number; perTarget: number; warmRounds: number;
  b: Samples; cold: Record<string, ColdSample[]>; floor: number[]; floorListened: number[]; goBoxed: string; sandboxed: boolean; svc: BenchService;
}): string[] {
  const p50 = (k: string) => summary(o.cold[k].map((c) => c.totalMs)).p50;
  const off = 'Go, sandbox off (same binary, prebuilt)';
  const firstOver = summary(o.b.fnplayFirst).p50 - summary(o.b.floorFirst).p50;
  const cachedOver = summary(o.b.fnplayCached).p50 - summary(o.b.floorCached).p50;
  return [
    `Builds: ${o.version}, ${o.buildRounds} round(s), each a fresh service (its own data dir, so an empty code/cache/go) building the hello function at CreateFunction, then ${o.rebuilds} UpdateFunction calls each changing one line (the greeting) on the same data dir. fnplay's time runs from the request sent to the acceleration event (Ready) arriving on /api/events. The floor is \`go build -trimpath -mod=mod\` in a module dir whose go.mod already holds the SDK's require and replace, with build.ts's environment (GOPROXY=off, GOSUMDB=off, CGO_ENABLED=0, GOOS=linux, GOARCH=amd64, GOCACHE/GOMODCACHE in a scratch dir, emptied before each round's first build). The two take turns, each going first in every other pair.`,
    `fnplay − floor at the median: ${fmt(firstOver)} ms on the first build (builds with an empty cache vary by seconds from run to run), ${fmt(cachedOver)} ms on a rebuild: storing and checking the zip, extracting it, copying the tree to a work dir, \`go mod edit\` (${fmt(summary(o.b.modEdit).p50)} ms alone), storing the derived tree (a ~7 MB binary) and the event; the first build also asks \`go env GOVERSION\` once per service process.`,
    `Cold starts: ${o.coldRounds} of each kind, taking turns, forced by POST /api/functions/:s/:f/reclaim, timed by the client (signed InvokeFunction on a keep-alive connection, 100-byte JSON payload echoed). The sandbox-off service runs the binary the floor built from the same source with the same flags (a prebuilt go1 binary, no build); unsandboxed, an instance gets its own copy of the code, so its PullCode is the ~7 MB binary copied (sandboxed, the built tree is mounted). Floor: the bare net/http server spawned with an instance's environment (its own process group, stdout piped), timed to its first answer on a new connection: p50 ${fmt(summary(o.floor).p50)} ms (of which spawn → its "listening" line ${fmt(summary(o.floorListened).p50)} ms), p95 ${fmt(summary(o.floor).p95)} ms.`,
    o.sandboxed
      ? `Sandbox ${o.svc.sandbox.kind}, cgroup ${o.svc.sandbox.cgroup}, network ${o.svc.sandbox.network}. At p50 the sandbox adds ${fmt(p50(o.goBoxed) - p50(off))} ms to a Go cold start, of which outbound network ${fmt(p50(o.goBoxed) - p50('Go, sandboxed, no internetAccess'))} ms: a go1 instance waits for slirp4netns before its binary starts (networkBeforeStart: its init() may connect out at once), where the Node.js bootstrap starts while slirp4netns attaches. In the sandbox the binary is started by instance-init.sh (bash), which first starts socat for 127.0.0.1:9001 → the runtime API's socket and probes it until it answers.`
      : `No sandbox here: ${o.svc.sandbox.notices.join(' ')}`,
    `Warm: ${o.perTarget} sequential calls each to the Go function and the Node.js echo in the same service (default config: freezing on), ${o.warmRounds} rounds taking turns, 100-byte payload, one keep-alive connection from a worker thread. The Go instance is reached through FC's runtime API (the scheduler answers the instance's long poll, the instance POSTs the answer back), the Node.js one through the CA protocol on a Unix socket.`,
  ];
}
