import { ApiError } from '../api/client.ts';
import { useLive } from '../api/live.ts';
import type { AccelerationStatus } from '../../shared/observe.ts';
import { useCurrentFunction } from './current-function.ts';
import { useFunctionInfo } from './queries.ts';
import './observe.css';
import './acceleration.css';

type Shown = { status: AccelerationStatus | 'Not deployed' | 'Checking'; reason: string | null };

const BADGE: Record<Shown['status'], string> = {
  Ready: 'badge badge-ok',
  Preparing: 'badge badge-warn accel-preparing',
  Failed: 'badge badge-err',
  'Not deployed': 'badge badge-dim',
  Checking: 'badge badge-dim',
};

const TITLE: Record<Shown['status'], string> = {
  Ready: 'Code acceleration: ready. The code is extracted once and linked at each cold start, so PullCode is short.',
  Preparing: 'Code acceleration: preparing. Until it is ready, each cold start extracts the code itself.',
  Failed: 'Code acceleration failed',
  'Not deployed': 'This function is not deployed yet',
  Checking: 'Checking the deployed code',
};

/**
 * The acceleration status of the current function's deployed code (SPEC §6). The fetched value and
 * the live events arrive in either order; for one code checksum the status only moves forward
 * (Preparing → Ready or Failed), so a live Ready/Failed for the fetched checksum wins over a
 * fetched Preparing, whichever arrived last.
 */
export function AccelerationBadge() {
  const { service, fn, key } = useCurrentFunction();
  const info = useFunctionInfo(service, fn);
  const live = useLive((s) => s.acceleration[key]);

  // The service answers null for a function not deployed yet (a 404 from an older service means the same).
  const notDeployed = info.data === null || (info.error instanceof ApiError && info.error.status === 404);
  const fetched: Shown = notDeployed
    ? { status: 'Not deployed', reason: null }
    : info.data
      ? { status: info.data.accelerationInfo.status, reason: info.data.accelerationInfo.reason ?? null }
      : { status: 'Checking', reason: null };
  const liveMovesOn = live && info.data && live.codeChecksum === info.data.codeChecksum && fetched.status === 'Preparing' && live.status !== 'Preparing';
  // A first deploy's events can come before the refetch that finds the function.
  const liveFirst = live && fetched.status === 'Not deployed';
  const shown: Shown = liveMovesOn || liveFirst ? { status: live.status, reason: live.reason } : fetched;
  const reason = shown.status === 'Failed' ? (shown.reason ?? 'no reason given') : null;

  return (
    <span className="accel" title={reason ? `${TITLE.Failed}: ${reason}` : TITLE[shown.status]}>
      <span role="status" aria-label="Acceleration status" className={BADGE[shown.status]}>
        {shown.status}
      </span>
      {reason && <span className="accel-reason">{reason}</span>}
    </span>
  );
}
