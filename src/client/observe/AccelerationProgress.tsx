import { describeProgress } from './acceleration-progress.ts';
import { useAcceleration } from './use-acceleration.ts';
import './acceleration.css';

/**
 * A container image's acceleration, told in full (the badge in the top bar says it in a word):
 * pulling, then each layer unpacked with a bar, then Ready, or Failed with the service's reason.
 */
export function AccelerationProgress() {
  const { status, reason, progress } = useAcceleration();
  if (status === 'Not deployed' || status === 'Checking') {
    return <p className="hint accel-detail">{status === 'Checking' ? 'Checking the deployed function…' : 'Deploy the function to prepare its image.'}</p>;
  }
  if (status === 'Ready') {
    return (
      <p className="accel-detail">
        <span className="badge badge-ok">Ready</span> The image is unpacked; a cold start mounts it.
      </p>
    );
  }
  if (status === 'Failed') {
    return (
      <div className="accel-detail accel-failed" role="alert">
        <span className="badge badge-err">Failed</span> <span className="accel-failed-reason">{reason ?? 'no reason given'}</span>
      </div>
    );
  }
  const shown = describeProgress(progress);
  return (
    <div className="accel-detail">
      <p className="accel-progress-text" role="status" aria-label="Image preparation">
        {shown.text}
      </p>
      <div
        className={shown.percent === null ? 'accel-bar accel-bar-busy' : 'accel-bar'}
        role="progressbar"
        aria-label="Image preparation progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={shown.percent ?? undefined}
        aria-valuetext={shown.text}
      >
        <span className="accel-bar-fill" style={shown.percent === null ? undefined : { width: `${shown.percent}%` }} />
      </div>
    </div>
  );
}
