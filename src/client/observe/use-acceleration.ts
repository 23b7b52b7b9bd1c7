import { ApiError } from '../api/client.ts';
import { useLive } from '../api/live.ts';
import type { AccelerationProgress, AccelerationStatus } from '../../shared/observe.ts';
import { useCurrentFunction } from './current-function.ts';
import { useFunctionInfo } from './queries.ts';

export type ShownAcceleration = {
  status: AccelerationStatus | 'Not deployed' | 'Checking';
  reason: string | null;
  /** the deployed function's runtime, when known */
  runtime: string | null;
  /** how far a container image's pull or unpack is, while Preparing and when the service said */
  progress: AccelerationProgress | null;
};

/**
 * The acceleration status of the current function's deployed code (SPEC §6), as the badge and the
 * build output show it. The fetched value and the live events arrive in either order; for one code
 * checksum the status only moves forward (Preparing → Ready or Failed), so a live Ready/Failed for
 * the fetched checksum wins over a fetched Preparing, whichever arrived last. Progress only comes
 * live (a fetch has none).
 */
export function useAcceleration(): ShownAcceleration {
  const { service, fn, key } = useCurrentFunction();
  const info = useFunctionInfo(service, fn);
  const live = useLive((s) => s.acceleration[key]);
  const runtime = info.data?.runtime ?? null;
  const fromLive = (l: NonNullable<typeof live>): ShownAcceleration => ({ status: l.status, reason: l.reason, runtime, progress: l.progress });

  // The service answers null for a function not deployed yet (a 404 from an older service means the same).
  const notDeployed = info.data === null || (info.error instanceof ApiError && info.error.status === 404);
  if (notDeployed) {
    // A first deploy's events can come before the refetch that finds the function.
    return live ? fromLive(live) : { status: 'Not deployed', reason: null, runtime, progress: null };
  }
  if (!info.data) return { status: 'Checking', reason: null, runtime, progress: null };
  const fetched = info.data.accelerationInfo;
  const sameCode = live !== undefined && live.codeChecksum === info.data.codeChecksum;
  if (sameCode && fetched.status === 'Preparing') return fromLive(live);
  return { status: fetched.status, reason: fetched.reason ?? null, runtime, progress: null };
}
