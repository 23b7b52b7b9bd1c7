import { isContainerRuntime } from '../../shared/function-config.ts';
import { describeProgress } from './acceleration-progress.ts';
import { parseBuildOutput } from './build-output.ts';
import { useAcceleration, type ShownAcceleration } from './use-acceleration.ts';
import './observe.css';
import './acceleration.css';

type Shown = ShownAcceleration;

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
// Go source is built rather than only extracted.
const GO_TITLE: Partial<Record<Shown['status'], string>> = {
  Preparing: 'Building the Go source. Invocations wait until the build is ready; a cold start never compiles.',
  Ready: 'Code acceleration: ready. The Go source is built; each cold start runs the binary.',
};

// A container image is pulled (when not in fnplay's store) and unpacked rather than extracted.
const CONTAINER_TITLE: Partial<Record<Shown['status'], string>> = {
  Preparing: 'Image acceleration: preparing. The image is pulled if needed and unpacked once; until then each cold start unpacks it for itself.',
  Ready: 'Image acceleration: ready. The image is unpacked once and mounted at each cold start.',
};

/** A failure in one line: a build's first compiler error, or the reason's first line. */
function headline(reason: string): string {
  const first = parseBuildOutput(reason).find((l) => l.at);
  return first ? `${first.at!.path}:${first.at!.line}: ${first.message}` : reason.split('\n')[0]!;
}

/**
 * The acceleration status of the current function's deployed code, in the top bar. A failure's
 * reason shows in one line here (the whole of it is in the title, and a build's output in the
 * Build output pane).
 */
export function AccelerationBadge() {
  const shown = useAcceleration();
  const reason = shown.status === 'Failed' ? (shown.reason ?? 'no reason given') : null;
  const special = shown.runtime === 'go1' ? GO_TITLE : shown.runtime !== null && isContainerRuntime(shown.runtime) ? CONTAINER_TITLE : {};
  const progress = shown.status === 'Preparing' && shown.progress ? describeProgress(shown.progress) : null;
  const title = reason ? `${TITLE.Failed}: ${reason}` : [special[shown.status] ?? TITLE[shown.status], progress?.text].filter(Boolean).join(' ');

  return (
    <span className="accel" title={title}>
      <span role="status" aria-label="Acceleration status" className={BADGE[shown.status]}>
        {shown.status}
      </span>
      {progress && <span className="accel-short">{progress.short}</span>}
      {reason && <span className="accel-reason">{headline(reason)}</span>}
    </span>
  );
}
