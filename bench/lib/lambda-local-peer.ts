import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// lambda-local ships types for its entry point only loosely; execute() is what we call.
import * as lambdaLocal from 'lambda-local';

/**
 * The peer: lambda-local calling the same handler in this process (no isolation, no HTTP).
 * The handler file is written out and loaded with require(), as a runtime would load it.
 */
export function lambdaLocalPeer(handlerSource: string) {
  const dir = mkdtempSync(join(tmpdir(), 'fnplay-bench-lambda-local-'));
  const file = join(dir, 'index.js');
  writeFileSync(file, handlerSource);
  const mod = createRequire(import.meta.url)(file) as Record<string, unknown>;
  const call = (event: unknown) =>
    lambdaLocal.execute({ lambdaFunc: mod, lambdaHandler: 'handler', event, timeoutMs: 300_000, verboseLevel: 0 });

  return {
    call,
    /** Sequential calls; latencies in µs. */
    async sequential(event: unknown, count: number, warmup: number): Promise<Float64Array> {
      for (let i = 0; i < warmup; i++) await call(event);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const t0 = performance.now();
        await call(event);
        out[i] = (performance.now() - t0) * 1000;
      }
      return out;
    },
    /** `callers` concurrent loops for `durationMs`; calls completed inside the window. */
    async concurrent(event: unknown, callers: number, durationMs: number, warmupMs: number): Promise<{ calls: number; seconds: number }> {
      const from = performance.now() + warmupMs;
      const end = from + durationMs;
      let calls = 0;
      const caller = async () => {
        for (;;) {
          const t0 = performance.now();
          if (t0 >= end) return;
          await call(event);
          if (t0 >= from && performance.now() <= end) calls++;
        }
      };
      await Promise.all(Array.from({ length: callers }, caller));
      return { calls, seconds: durationMs / 1000 };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
