import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeImageTree } from '../../src/server/images/index.ts';
import { watchAcceleration } from '../lib/acceleration-events.ts';
import { startBareServer } from '../lib/bare-server.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { coldCaller, phasesText, type ColdSample } from '../lib/cold-call.ts';
import { containerImageWorkspace, missingContainerTools, type BenchImage, type ContainerImageWorkspace } from '../lib/container-images.ts';
import { PAYLOAD_100B } from '../lib/echo-function.ts';
import { zipExecutable } from '../lib/go-function.ts';
import { fmt, summary } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const run = promisify(execFile);
const SERVICE = 'containers';
const MB = 1024 * 1024;
// The seed's own figures (000 §5.6, puppeteer-pdf): before acceleration, first cold start after, later ones.
const SEED = { none: 66.51, first: 15.2, later: 4.3 };
// The same server binary as a custom runtime (code zip, /code/bootstrap): the sandbox without an image root.
const CUSTOM_PEER = 'custom-runtime';

type Kind = 'none' | 'accel';
const fnName = (image: string, kind: Kind) => `${image}-${kind}`;

interface ImageRun {
  image: BenchImage;
  importMs: number;
  /** CreateFunction sent → Ready (the event), per acceleration type: Default's is the unpack. */
  readyMs: Record<Kind, number>;
  /** The first cold start of each kind (untimed in the p50s): the first after Ready. */
  first: Record<Kind, ColdSample>;
  cold: Record<Kind, ColdSample[]>;
}

/** What the image tools take for the same work by hand, outside fnplay. */
interface ToolFloors {
  /** skopeo copy of the large archive into a fresh OCI layout (the import's copy). */
  copyMs: number;
  /** umoci raw unpack --rootless of that layout, each time into a fresh dir. */
  unpackMs: number[];
}

/**
 * Scenario 10: custom containers (seed 000 §5). Two images built in this run with the test
 * helpers (test/helpers/oci-images.ts): `small`, the static Go echo server alone, and `large`,
 * the same server under layers of random files (~200 MB uncompressed), each exported as a
 * `docker save` archive and imported into the service's image store. For each, cold starts
 * without acceleration (accelerationType None: each start unpacks the image for itself) and with
 * it (Default, Ready: the tree unpacked once per digest is mounted), forced by reclaiming; the
 * floor is the same server binary spawned bare, timed to its first answer. For the large image
 * also the preparation (import → Ready), against skopeo and umoci run by hand on the same archive.
 */
export const container: Scenario = {
  id: '10',
  title: 'Custom container',
  limitSec: { quick: 240, full: 420 },
  async run({ quick, progress }) {
    const missing = missingContainerTools();
    if (missing.length) return { figures: [], notes: [], skipped: `needs ${missing.join(', ')} (Debian packages)` };
    const rounds = { small: quick ? 5 : 20, large: quick ? 3 : 5 };
    const largeBytes = (quick ? 100 : 200) * MB;

    const svc = await startBenchService();
    let ws: ContainerImageWorkspace | null = null;
    const events = await watchAcceleration(svc);
    const cold = coldCaller(svc);
    try {
      if (svc.sandbox.kind !== 'bwrap') return { figures: [], notes: [], skipped: `custom containers run only in the sandbox, unavailable here: ${svc.sandbox.notices.join(' ')}` };
      await svc.createService(SERVICE);

      // 1. the images, built and exported in this run
      ws = await containerImageWorkspace();
      const small = await ws.small();
      progress.step(`small image (the Go server alone, ${fmt(small.bytes / MB)} MB) built in ${fmt(small.buildMs)} ms, exported in ${fmt(small.exportMs)} ms`);
      const large = await ws.large({ bytes: largeBytes, layers: 2, progress });
      progress.step(`large image (${fmt(large.bytes / MB)} MB, 2 layers of random files + the server) built in ${fmt(large.buildMs)} ms, exported in ${fmt(large.exportMs)} ms`);

      // 2. preparation: import, then the two functions, each until Ready
      const prepare = async (image: BenchImage, name: string): Promise<Omit<ImageRun, 'first' | 'cold'>> => {
        const t0 = performance.now();
        const imported = await svc.importImage(image.archive, image.reference);
        const importMs = performance.now() - t0;
        const readyMs = { none: 0, accel: 0 };
        for (const kind of ['none', 'accel'] as const) {
          const s = performance.now();
          const res = await svc.client.createFunction(SERVICE, {
            functionName: fnName(name, kind), runtime: 'custom-container', handler: 'not-used', timeout: 60,
            customContainerConfig: { image: image.reference, accelerationType: kind === 'none' ? 'None' : 'Default' },
          });
          readyMs[kind] = (await events.readyAt(SERVICE, fnName(name, kind), res.data.codeChecksum)) - s;
        }
        progress.step(`${name}: imported (${imported[0].digest.slice(0, 19)}…) in ${fmt(importMs)} ms; None function Ready in ${fmt(readyMs.none)} ms, Default (the unpack) in ${fmt(readyMs.accel)} ms`);
        return { image, importMs, readyMs };
      };
      const smallPrep = await prepare(small, 'small');
      const largePrep = await prepare(large, 'large');
      const peer = await svc.client.createFunction(SERVICE, {
        functionName: CUSTOM_PEER, runtime: 'custom', handler: 'not-used', timeout: 60, code: { zipFile: await zipExecutable('bootstrap', readFileSync(ws.server)) },
      });
      await events.readyAt(SERVICE, CUSTOM_PEER, peer.data.codeChecksum);

      // 3. the tools by hand on the large archive: the copy into a layout, then umoci's unpack
      const floorDir = join(ws.root, 'floor');
      mkdirSync(floorDir);
      const copyStart = performance.now();
      await run('skopeo', ['--insecure-policy', '--override-os', 'linux', '--override-arch', 'amd64', 'copy', '--quiet', `docker-archive:${large.archive}`, 'oci:layout:image'], { cwd: floorDir });
      const tools: ToolFloors = { copyMs: performance.now() - copyStart, unpackMs: [] };
      let unpacks = 0;
      const unpackByHand = async () => {
        const dest = `rootfs-${unpacks++}`;
        const t0 = performance.now();
        await run('umoci', ['--log', 'info', 'raw', 'unpack', '--rootless', '--image', 'layout:image', dest], { cwd: floorDir });
        const ms = performance.now() - t0;
        await removeImageTree(join(floorDir, dest));
        return ms;
      };
      progress.step(`by hand: skopeo copy of the large archive into a layout ${fmt(tools.copyMs)} ms`);

      // 4. cold starts, each kind taking turns with the bare floor (and, for the large image, umoci by hand)
      const floor: number[] = [];
      const floorListened: number[] = [];
      const bare = async () => {
        const { ms, listenedMs, proc } = await startBareServer(ws!.root, [ws!.server], 'custom-container', {
          env: (port) => ({ LISTEN_ADDR: `127.0.0.1:${port}` }), listening: (l) => l.startsWith('listening on'), lineBeforeListen: true,
        });
        floorListened.push(listenedMs);
        await proc.kill();
        return ms;
      };
      const customPeer: ColdSample[] = [];
      const coldStarts = async (prep: Omit<ImageRun, 'first' | 'cold'>, name: string, n: number, extra: { label: string; step: () => Promise<void> }[] = []): Promise<ImageRun> => {
        const call = (kind: Kind) => cold.call(SERVICE, fnName(name, kind), PAYLOAD_100B);
        // One untimed start of each kind: the first after Ready, kept apart (the seed's "first phase").
        const first = { none: await call('none'), accel: await call('accel') };
        await bare();
        const samples: Record<Kind, ColdSample[]> = { none: [], accel: [] };
        const steps = [async () => void samples.none.push(await call('none')), async () => void samples.accel.push(await call('accel')), async () => void floor.push(await bare()), ...extra.map((e) => e.step)];
        const tick = progress.counter(`${name} image: cold starts (None, Default, bare${extra.map((e) => `, ${e.label}`).join('')}, taking turns) ×`, n);
        for (let i = 0; i < n; i++) {
          for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
          tick(i + 1);
        }
        return { ...prep, first, cold: samples };
      };
      await cold.call(SERVICE, CUSTOM_PEER, PAYLOAD_100B); // untimed, as the others' first
      const smallRun = await coldStarts(smallPrep, 'small', rounds.small, [{ label: 'the binary as a custom runtime', step: async () => void customPeer.push(await cold.call(SERVICE, CUSTOM_PEER, PAYLOAD_100B)) }]);
      const largeRun = await coldStarts(largePrep, 'large', rounds.large, [{ label: 'umoci unpack by hand', step: async () => void tools.unpackMs.push(await unpackByHand()) }]);

      return {
        figures: figuresOf(smallRun, largeRun, floor, tools, customPeer),
        notes: notesOf({ smallRun, largeRun, floor, floorListened, tools, rounds, svc, customPeer }),
      };
    } finally {
      await cold.close();
      await events.close();
      await svc.close();
      ws?.remove();
    }
  },
};

const p50 = (v: number[]) => summary(v).p50;
const totals = (s: ColdSample[]) => s.map((c) => c.totalMs);
const pulls = (s: ColdSample[]) => s.map((c) => c.pullCodeMs);
const sizeText = (r: ImageRun) => `${r.image.tag} image (${fmt(r.image.bytes / MB)} MB)`;

function figuresOf(small: ImageRun, large: ImageRun, floor: number[], tools: ToolFloors, customPeer: ColdSample[]): Figure[] {
  const bareRef = { name: 'the same Go server spawned bare → first response p50', value: p50(floor) };
  const detailed = (fig: Figure, detail: string): Figure => ({ ...fig, detail });
  const figures: Figure[] = [];
  for (const r of [small, large]) {
    const accel = p50(totals(r.cold.accel));
    const none = p50(totals(r.cold.none));
    figures.push(
      detailed(compared(`${sizeText(r)}, accelerated (Default, Ready), cold start p50`, accel, 'ms', bareRef),
        `${r.cold.accel.length} starts, p95 ${fmt(summary(totals(r.cold.accel)).p95)} ms; ${phasesText(r.cold.accel)}; first after Ready ${fmt(r.first.accel.totalMs)} ms`),
      detailed(compared(`${sizeText(r)}, unaccelerated (None: each start unpacks), cold start p50 — the acceleration figure`, none, 'ms', { name: 'accelerated p50', value: accel }),
        `${r.cold.none.length} starts, p95 ${fmt(summary(totals(r.cold.none)).p95)} ms; ${phasesText(r.cold.none)}; seed: ${SEED.none} s → ${SEED.later} s (${(SEED.none / SEED.later).toFixed(1)}×)`),
    );
  }
  figures.splice(1, 0, detailed(compared(`${sizeText(small)}, accelerated, cold start p50 vs the same binary as a custom runtime`, p50(totals(small.cold.accel)), 'ms', { name: 'custom runtime (code zip, /code/bootstrap), same sandbox, p50', value: p50(totals(customPeer)) }),
    `custom runtime ${customPeer.length} starts, ${phasesText(customPeer)}`));
  const unpackByHand = p50(tools.unpackMs);
  const prep = large.importMs + large.readyMs.accel;
  figures.push(
    detailed(compared(`${sizeText(large)}, unaccelerated start's PullCode (its own unpack) p50`, p50(pulls(large.cold.none)), 'ms', { name: '`umoci raw unpack --rootless` by hand p50', value: unpackByHand }),
      `accelerated PullCode p50 ${fmt(p50(pulls(large.cold.accel)))} ms`),
    detailed(compared(`${sizeText(large)}, preparation: import → Ready`, prep, 'ms', { name: 'skopeo copy + umoci unpack by hand', value: tools.copyMs + unpackByHand }),
      `import (skopeo copy into the store) ${fmt(large.importMs)} ms, CreateFunction (Default) → Ready (the unpack) ${fmt(large.readyMs.accel)} ms; by hand ${fmt(tools.copyMs)} + ${fmt(unpackByHand)} ms`),
  );
  return figures;
}

function notesOf(o: { smallRun: ImageRun; largeRun: ImageRun; floor: number[]; floorListened: number[]; tools: ToolFloors; rounds: { small: number; large: number }; svc: BenchService; customPeer: ColdSample[] }): string[] {
  const ratio = (r: ImageRun) => p50(totals(r.cold.none)) / p50(totals(r.cold.accel));
  const firstRatio = (r: ImageRun) => r.first.none.totalMs / r.first.accel.totalMs;
  const line = (r: ImageRun) =>
    `${sizeText(r)}: unaccelerated p50 ${fmt(p50(totals(r.cold.none)))} ms → first accelerated start after Ready ${fmt(r.first.accel.totalMs)} ms → accelerated p50 ${fmt(p50(totals(r.cold.accel)))} ms: ${ratio(r).toFixed(1)}× at p50 (first starts: ${fmt(r.first.none.totalMs)} → ${fmt(r.first.accel.totalMs)} ms, ${firstRatio(r).toFixed(1)}×); PullCode ${fmt(p50(pulls(r.cold.none)))} → ${fmt(p50(pulls(r.cold.accel)))} ms; accelerated ÷ bare floor ${(p50(totals(r.cold.accel)) / p50(o.floor)).toFixed(1)}×; import ${fmt(r.importMs)} ms, Default → Ready ${fmt(r.readyMs.accel)} ms, None → Ready ${fmt(r.readyMs.none)} ms.`;
  return [
    `Images built in this run by test/helpers/oci-images.ts (umoci, rootless): small = one layer holding the static Go echo server (GO_SERVER_SOURCE, built offline by Debian's Go, kept between runs by its source's hash), entrypoint /server on 0.0.0.0:9000; large = that layer plus 2 layers of 25 MB files of random bytes (incompressible), ${fmt(o.largeRun.image.bytes / MB)} MB uncompressed (large built in ${fmt(o.largeRun.image.buildMs)} ms). Each exported with skopeo as a docker-archive and imported into the service's store (images.import(file, { name }), in the service's process over IPC: there is no HTTP import route yet).`,
    `Cold starts: ${o.rounds.small} of each kind for the small image, ${o.rounds.large} for the large one, kinds taking turns; each forced by POST /api/functions/:s/:f/reclaim (which waits for the instance to stop and its private tree to be deleted), timed by the client (signed InvokeFunction on a keep-alive connection, 100-byte payload echoed); the record must say coldStart. The first start of each kind after Ready is not in the p50s and is reported apart. Sandbox: bwrap, cgroup ${o.svc.sandbox.cgroup}, network ${o.svc.sandbox.network}.`,
    line(o.smallRun),
    line(o.largeRun),
    `The seed's acceleration figure (000 §5.6, puppeteer-pdf on FC): ${SEED.none} s unaccelerated → ${SEED.first} s first accelerated cold start → ${SEED.later} s later ones: ${(SEED.none / SEED.first).toFixed(1)}× then ${(SEED.first / SEED.later).toFixed(1)}× (${(SEED.none / SEED.later).toFixed(1)}× in all). FC's first phase fetches the accelerated image's data on demand from remote storage; here the tree is local, so the first accelerated start is nearly a later one, and what acceleration saves is the unpack alone (no registry pull: FC pulls the original image at each unaccelerated start, fnplay has it in its store).`,
    `Floor: the server binary in the images spawned bare (no sandbox, its own process group, an instance's environment, LISTEN_ADDR on a free loopback port), timed to its first answer on a new connection (it prints its line before it listens, so the request is retried at once while refused): p50 ${fmt(p50(o.floor))} ms (spawn → its "listening" line ${fmt(p50(o.floorListened))} ms), ${o.floor.length} starts taking turns with the fnplay ones.`,
    `Peer: the same binary deployed as a custom runtime (runtime custom, a code zip holding it as /code/bootstrap), cold-started in the same service taking turns with the small image's starts: p50 ${fmt(p50(totals(o.customPeer)))} ms (${phasesText(o.customPeer)}). The difference from the accelerated container is what running an image as the whole root adds: the image's tree mounted as / over a private overlay layer (an unshare wrapper), the CA relay reached through nsenter.`,
    `Tools by hand on the large archive: \`skopeo copy docker-archive:… oci:layout:image\` ${fmt(o.tools.copyMs)} ms (once, right after fnplay's import; fnplay copies into its store's shared blob dir), \`umoci --log info raw unpack --rootless\` of that layout p50 ${fmt(p50(o.tools.unpackMs))} ms (${o.tools.unpackMs.map(fmt).join(', ')} ms; each into a fresh dir, taking turns with the cold starts), the same commands fnplay runs.`,
  ];
}
