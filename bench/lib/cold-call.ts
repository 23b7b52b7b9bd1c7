import type { BenchService } from './bench-service.ts';
import { createInvokeClient } from './invoke-client.ts';
import { fmt, summary } from './stats.ts';

/** One forced cold start: the client's total and the phases fnplay reported for it. */
export interface ColdSample {
  totalMs: number;
  pullCodeMs: number;
  initRuntimeMs: number;
  initFunctionMs: number;
}

/**
 * Cold starts of the functions of one service: each call first reclaims the function's instances
 * (POST /api/functions/:s/:f/reclaim, every version's), then invokes it once (at `qualifier`, if
 * given), timed by the client on a keep-alive connection; the invocation record must say it was a
 * cold start.
 */
export function coldCaller(svc: BenchService) {
  const client = createInvokeClient(svc.url, svc.creds);
  return {
    async call(service: string, fn: string, payload = 'x', qualifier?: string): Promise<ColdSample> {
      await svc.api(`/functions/${service}/${fn}/reclaim`, { method: 'POST' });
      const t0 = performance.now();
      const { requestId } = await client.invoke(qualifier ? `${service}.${qualifier}` : service, fn, payload);
      const totalMs = performance.now() - t0;
      const rec = await svc.api(`/invocations/${requestId}`);
      if (!rec.coldStart || !rec.initReport) throw new Error(`invocation ${requestId} of ${service}/${fn} was not a cold start`);
      return { totalMs, ...rec.initReport };
    },
    close: () => client.close(),
  };
}

/** The p50 of each phase, for a figure's detail. */
export function phasesText(samples: ColdSample[]): string {
  const p50 = (k: keyof ColdSample) => fmt(summary(samples.map((s) => s[k])).p50);
  return `phases p50: PullCode ${p50('pullCodeMs')}, InitRuntime ${p50('initRuntimeMs')}, InitFunction ${p50('initFunctionMs')} ms`;
}

/**
 * Cold starts of several kinds and of a floor, taking turns (each round starts with the next kind,
 * so drift and load fall on all alike), after one untimed round that loads each kind's code into
 * this process's caches.
 */
export async function coldStartsInTurns(
  kinds: Record<string, () => Promise<ColdSample>>,
  floorCall: () => Promise<number>,
  rounds: number,
  progress: { counter(text: string, total: number): (done: number) => void },
): Promise<{ cold: Record<string, ColdSample[]>; floor: number[] }> {
  const cold: Record<string, ColdSample[]> = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  const floor: number[] = [];
  const steps = [...Object.entries(kinds).map(([k, call]) => async () => void cold[k].push(await call())), async () => void floor.push(await floorCall())];
  for (const call of Object.values(kinds)) await call();
  await floorCall();
  const tick = progress.counter(`cold starts (${steps.length} kinds, taking turns) ×`, rounds);
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]();
    tick(i + 1);
  }
  return { cold, floor };
}
