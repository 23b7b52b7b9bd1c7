import { watchAcceleration } from './acceleration-events.ts';
import { startBenchService, zipFiles, type BenchService } from './bench-service.ts';
import { helloGo } from './go-function.ts';
import type { GoWorkspace } from './go-toolchain.ts';
import type { Progress } from './progress.ts';
import { fmt } from './stats.ts';

export interface GoBuildSamples {
  /** fnplay: CreateFunction sent → its code Ready, on a fresh data dir (empty Go build cache). */
  fnplayFirst: number[];
  /** `go build` of the same program with an empty cache. */
  floorFirst: number[];
  /** fnplay: UpdateFunction with a one-line change sent → Ready, on the same data dir. */
  fnplayCached: number[];
  /** `go build` after the same one-line change, with the cache of the first build. */
  floorCached: number[];
  /** The `go mod edit` build.ts runs before its build, alone. */
  modEdit: number[];
}

export const GO_SERVICE = 'go';
export const GO_FUNCTION = 'hello';

/**
 * `rounds` times: a fresh service (so a fresh data dir and an empty code/cache/go) builds the
 * hello function at its first deploy, then `rebuilds` one-line changes of it; the floor workspace
 * does the same with its cache emptied first. fnplay and the floor take turns, each going first
 * in every other round. The last round's service is handed back running, with the function at
 * revision `rebuilds` (and the floor's src/main built from the same source).
 */
export async function measureGoBuilds(ws: GoWorkspace, opts: { rounds: number; rebuilds: number; progress: Progress }) {
  const s: GoBuildSamples = { fnplayFirst: [], floorFirst: [], fnplayCached: [], floorCached: [], modEdit: [] };
  let last: BenchService | null = null;
  for (let r = 0; r < opts.rounds; r++) {
    const svc = await startBenchService();
    const events = await watchAcceleration(svc);
    try {
      await svc.createService(GO_SERVICE);
      ws.clearCache();
      // 1. the timed deploys: CreateFunction, then UpdateFunction per change; each until its code is Ready
      const fnplay = async (revision: number) => {
        const zipFile = await zipFiles({ 'main.go': helloGo(revision) });
        const t0 = performance.now();
        const res = revision === 0
          ? await svc.client.createFunction(GO_SERVICE, { functionName: GO_FUNCTION, runtime: 'go1', handler: 'main', timeout: 300, code: { zipFile } })
          : await svc.client.updateFunction(GO_SERVICE, GO_FUNCTION, { code: { zipFile } });
        return (await events.readyAt(GO_SERVICE, GO_FUNCTION, res.data.codeChecksum)) - t0;
      };
      const floor = async (revision: number) => {
        ws.write('main.go', helloGo(revision));
        return ws.build();
      };
      // 2. first builds, then the cached rebuilds, in turns
      const pair = async (revision: number, fnplaySamples: number[], floorSamples: number[]) => {
        const steps = [async () => void fnplaySamples.push(await fnplay(revision)), async () => void floorSamples.push(await floor(revision))];
        for (const step of (r + revision) % 2 ? steps.reverse() : steps) await step();
      };
      await pair(0, s.fnplayFirst, s.floorFirst);
      opts.progress.step(`round ${r + 1}, first build: fnplay ${fmt(s.fnplayFirst.at(-1)!)} ms, go build ${fmt(s.floorFirst.at(-1)!)} ms`);
      for (let k = 1; k <= opts.rebuilds; k++) {
        await pair(k, s.fnplayCached, s.floorCached);
        s.modEdit.push(await ws.modEdit());
      }
      const cached = (v: number[]) => v.slice(-opts.rebuilds).map(fmt).join(', ');
      opts.progress.step(`round ${r + 1}, rebuilds: fnplay ${cached(s.fnplayCached)} ms, go build ${cached(s.floorCached)} ms`);
    } catch (err) {
      await svc.close();
      throw err;
    } finally {
      await events.close();
    }
    if (r === opts.rounds - 1) last = svc;
    else await svc.close();
  }
  return { samples: s, svc: last! };
}
