import { createWeightedRouter } from '../../src/server/resources/qualifiers.ts';
import type { AliasRecord } from '../../src/server/store/index.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { ECHO_HANDLER, PAYLOAD_100B } from '../lib/echo-function.ts';
import { createInvokeClient } from '../lib/invoke-client.ts';
import type { HttpTarget } from '../lib/load-jobs.ts';
import { fmt, summary } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const SERVICE = 'rel';
const FN = 'echo';
const LATEST = 'LATEST';
const ALIAS = 'alias → version 1';
const SPLIT = 'alias → version 1, 0.5 to version 2';
const VERSION = 'version 1 by id';
/** Resolving a qualifier must cost little next to the call itself (issue 12). */
const ALIAS_TARGET = { text: 'p50 ≤ 1.05× LATEST', met: (r: number) => r <= 1.05 };

/** `{service}.{qualifier}` is how FC 2.0 names a qualifier in the path; the signer signs that path. */
const at = (svc: BenchService, qualifier: string | null): HttpTarget => ({
  origin: svc.url, path: '', body: PAYLOAD_100B, sign: { creds: svc.creds, service: qualifier ? `${SERVICE}.${qualifier}` : SERVICE, fn: FN },
});

/**
 * The echo function, published twice (version 2 differs by an environment variable only, so the
 * code is the same), an alias `prod` on version 1 and an alias `canary` on version 1 with 0.5 to
 * version 2. Checks that each qualifier reaches the version it names and that the split alternates.
 */
async function deployReleases(svc: BenchService) {
  await svc.deploy(SERVICE, FN, { 'index.js': ECHO_HANDLER }, { environmentVariables: { RELEASE: 'one' } });
  await svc.client.publishVersion(SERVICE, 'one');
  await svc.client.updateFunction(SERVICE, FN, { environmentVariables: { RELEASE: 'two' } });
  await svc.client.publishVersion(SERVICE, 'two');
  await svc.client.createAlias(SERVICE, 'prod', '1');
  await svc.client.createAlias(SERVICE, 'canary', '1', { additionalVersionWeight: { '2': 0.5 } });

  const client = createInvokeClient(svc.url, svc.creds);
  try {
    const versionsOf = async (segment: string, n: number) => {
      const seen: string[] = [];
      for (let i = 0; i < n; i++) seen.push(String((await client.invoke(segment, FN, PAYLOAD_100B)).headers['x-fc-invocation-service-version']));
      return seen;
    };
    const expectAll = (seen: string[], v: string, what: string) => {
      if (seen.some((s) => s !== v)) throw new Error(`${what} ran versions ${seen.join(',')}, expected ${v} every time`);
    };
    expectAll(await versionsOf(SERVICE, 3), LATEST, 'LATEST');
    expectAll(await versionsOf(`${SERVICE}.prod`, 3), '1', 'alias prod');
    expectAll(await versionsOf(`${SERVICE}.1`, 3), '1', 'version 1');
    const split = await versionsOf(`${SERVICE}.canary`, 10);
    const twos = split.filter((v) => v === '2').length;
    if (twos !== 5 || split.some((v) => v !== '1' && v !== '2')) throw new Error(`alias canary (0.5 to version 2) ran versions ${split.join(',')}, expected five of each`);
  } finally {
    await client.close();
  }
}

/** What the per-call pick of a gradual-release alias costs by itself: the service's router, timed in this process. */
function pickNs(): number {
  const router = createWeightedRouter();
  const alias = { aliasName: 'canary', versionId: '1', additionalVersionWeight: { '2': 0.5 } } as unknown as AliasRecord;
  const n = 200_000;
  for (let i = 0; i < 10_000; i++) router.pick(SERVICE, alias);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) router.pick(SERVICE, alias);
  return ((performance.now() - t0) * 1e6) / n;
}

/**
 * Scenario 12: what resolving a qualifier costs a warm call. The same echo function in one service
 * (the default sandbox, freezing off so that the freezer's variance does not hide a few µs) called
 * sequentially through LATEST, an alias on version 1, version 1 by id, and a gradual-release alias
 * (0.5 to version 2: a pick per call, each version with its own warm instance), taking turns in
 * rounds with the order rotated, on one keep-alive connection from the same worker thread.
 */
export const qualifier: Scenario = {
  id: '12',
  title: 'Invoke through a qualifier',
  async run({ quick, progress, load }) {
    const perTarget = quick ? 400 : 6000;
    const rounds = quick ? 4 : 12;
    const svc = await startBenchService({ freeze: false });
    try {
      const sandboxed = svc.sandbox.kind === 'bwrap';
      progress.step(`deploying the echo function (sandbox ${sandboxed ? 'bwrap' : 'unavailable'}, freezing off), versions 1 and 2, aliases prod (→ 1) and canary (→ 1, 0.5 → 2)`);
      await deployReleases(svc);
      const targets: Record<string, HttpTarget> = { [LATEST]: at(svc, null), [ALIAS]: at(svc, 'prod'), [VERSION]: at(svc, '1'), [SPLIT]: at(svc, 'canary') };
      const names = Object.keys(targets);
      const samples: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
      const tick = progress.counter(`rounds of ${perTarget / rounds} sequential calls to each of ${names.length} qualifiers:`, rounds);
      for (let r = 0; r < rounds; r++) {
        const warmup = r === 0 ? (quick ? 100 : 300) : 20;
        for (let k = 0; k < names.length; k++) {
          const name = names[(r + k) % names.length];
          const res = await load.run({ kind: 'sequential', target: targets[name], count: perTarget / rounds, warmup });
          if (res.errors) throw new Error(`${name}: ${res.errors} calls failed, first: ${res.firstError}`);
          samples[name].push(...res.latenciesUs);
        }
        tick(r + 1);
      }
      const instances = await svc.instances(SERVICE, FN);
      const byVersion = new Map<string, number>();
      for (const i of instances as { versionId?: string }[]) byVersion.set(i.versionId ?? '?', (byVersion.get(i.versionId ?? '?') ?? 0) + 1);

      const s = Object.fromEntries(names.map((k) => [k, summary(samples[k])]));
      const ref = (p: 'p50' | 'p99') => ({ name: `LATEST ${p}`, value: s[LATEST][p] });
      const label = sandboxed ? 'sandboxed' : 'default config (no sandbox here)';
      const figures: Figure[] = [
        { ...compared(`${ALIAS}, warm p50 (${label}, freezing off)`, s[ALIAS].p50, 'µs', ref('p50'), ALIAS_TARGET), detail: `p95 ${fmt(s[ALIAS].p95)} vs ${fmt(s[LATEST].p95)} µs` },
        compared(`${ALIAS}, warm p99`, s[ALIAS].p99, 'µs', ref('p99')),
        { ...compared(`${SPLIT}, warm p50`, s[SPLIT].p50, 'µs', ref('p50'), ALIAS_TARGET), detail: `p95 ${fmt(s[SPLIT].p95)} vs ${fmt(s[LATEST].p95)} µs` },
        compared(`${SPLIT}, warm p99`, s[SPLIT].p99, 'µs', ref('p99')),
        compared(`${VERSION}, warm p50`, s[VERSION].p50, 'µs', ref('p50')),
      ];
      const d = (k: string, p: 'p50' | 'p99' = 'p50') => fmt(s[k][p] - s[LATEST][p]);
      const pick = pickNs();
      return {
        figures,
        notes: [
          `${perTarget} sequential calls per qualifier (${rounds} rounds; each round starts with the next qualifier; ${quick ? 100 : 300} warm-up calls each first), 100-byte payload, echo handler, one keep-alive connection per block from the load worker thread, signed as the SDK signs InvokeFunction at \`/services/${SERVICE}[.qualifier]/functions/${FN}/invocations\`. One service in its own process, sandbox ${sandboxed ? `bwrap, cgroup ${svc.sandbox.cgroup}` : 'unavailable here, so none'}, freezing off (freezing adds ~150 µs with a wide spread to every call, which would hide what a qualifier costs).`,
          `Version 2 differs from version 1 by an environment variable only: the same code. Before timing, each qualifier was called and answered with the version it names (x-fc-invocation-service-version), and 10 calls to the gradual-release alias ran 5 on each version (the split is counted, smooth weighted round robin, so it alternates). Instances at the end: ${[...byVersion].map(([v, n]) => `${v} ×${n}`).join(', ')} (one per version: sequential calls reuse the warm one).`,
          `Difference to LATEST at p50 / p99: alias ${d(ALIAS)} / ${d(ALIAS, 'p99')} µs, gradual-release alias ${d(SPLIT)} / ${d(SPLIT, 'p99')} µs, version by id ${d(VERSION)} / ${d(VERSION, 'p99')} µs. LATEST itself: p50 ${fmt(s[LATEST].p50)} µs, p99 ${fmt(s[LATEST].p99)} µs. The gradual-release alias alternates between two instances, so its calls also find each instance's connection and caches idle for one call in two; the pick itself (createWeightedRouter().pick, the service's code, timed in the bench process over 200,000 picks) takes ${fmt(pick)} ns, so what it adds over the plain alias is the alternation, not the choosing.`,
        ],
      };
    } finally {
      await svc.close();
    }
  },
};
