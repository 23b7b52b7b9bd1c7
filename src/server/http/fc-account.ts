import type { z } from 'zod';
import { DEFAULT_CODE_LIMITS } from '../code/limits.ts';
import { functionFields, memorySize } from '../../shared/function-config.ts';
import { MAX_TIMER_PAYLOAD_BYTES } from '../../shared/trigger-config.ts';
import { MAX_TAGS_PER_RESOURCE } from '../../shared/tags.ts';
import { replyJson } from './context.ts';
import { MAX_SYNC_BODY } from './fc-invoke.ts';
import type { Route } from './fc-resources.ts';

type Bounded = z.ZodNumber & { minValue: number | null; maxValue: number | null };
const range = (schema: { unwrap(): unknown }) => {
  const n = schema.unwrap() as Bounded;
  return { min: n.minValue, max: n.maxValue };
};

let memoryRange: { min: number; max: number; multipleOf: number } | null = null;
/**
 * memorySize's rule is a refinement, whose bounds zod cannot report: they are found by asking the
 * schema itself (once), so what is listed is what createFunction enforces.
 */
function memorySizeRange() {
  if (memoryRange) return memoryRange;
  const ok = (m: number) => memorySize.safeParse(m).success;
  let min = 1;
  while (!ok(min)) min++;
  let next = min + 1;
  while (!ok(next)) next++;
  const step = next - min;
  // the largest k with min + k·step accepted (accepted values are one run of multiples)
  let lo = 1;
  let hi = 1 << 20;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(min + mid * step)) lo = mid;
    else hi = mid - 1;
  }
  memoryRange = { min, max: min + lo * step, multipleOf: step };
  return memoryRange;
}

/** Account-wide calls of the FC 2.0 API: account settings, reserved capacities. */
export const accountRoutes: Route[] = [
  {
    // FC's reserved (subscription) instances are bought; fnplay has none.
    method: 'GET', path: '/reservedCapacities',
    handler: (c) => replyJson(c, { reservedCapacities: [] }),
  },
  {
    method: 'GET', path: '/account-settings',
    handler: (c, deps) =>
      replyJson(c, {
        // FC's shape (GetAccountSettings). fnplay runs on one machine: no zones, no VPC to place.
        availableAZs: [],
        defaultRole: `acs:ram::${deps.accountId}:role/aliyunfcdefaultrole`,
        // Not FC's: the limits this fnplay enforces, read from where each is defined.
        fnplayLimits: {
          maxInstances: deps.maxInstances,
          codeZipBytes: DEFAULT_CODE_LIMITS.maxZipBytes,
          codeExtractedBytes: DEFAULT_CODE_LIMITS.maxExtractedBytes,
          codeZipEntries: DEFAULT_CODE_LIMITS.maxEntries,
          syncPayloadBytes: MAX_SYNC_BODY,
          timerPayloadBytes: MAX_TIMER_PAYLOAD_BYTES,
          timeoutSeconds: range(functionFields.shape.timeout),
          initializationTimeoutSeconds: range(functionFields.shape.initializationTimeout),
          instanceConcurrency: range(functionFields.shape.instanceConcurrency),
          memorySizeMB: memorySizeRange(),
          tagsPerResource: MAX_TAGS_PER_RESOURCE,
        },
      }),
  },
];
