import type { InstanceTrack } from '../api/live.ts';
import { formatClock, shortInstanceId } from './format.ts';
import { STATE_COLORS, TIMELINE_WINDOW_MS, segmentsOf } from './instance-states.ts';

const H = 12;
export const PROVISIONED_COLOR = '#e3b341';

/** One instance's states over the last minutes, as coloured spans; the right edge is now. */
export function InstanceTimeline({ track, now, windowMs = TIMELINE_WINDOW_MS }: { track: InstanceTrack; now: number; windowMs?: number }) {
  // viewBox units per second: the row is one unit per second of the window, stretched to fit.
  const W = windowMs / 1000;
  // A Busy of a few ms would be invisible; every span gets at least this width (about 1/375 of the row).
  const MIN_SPAN = W / 375;
  const start = now - windowMs;
  const segments = segmentsOf(track, now, windowMs);
  const x = (t: number) => ((t - start) / windowMs) * W;
  const described = segments.slice(-6).map((s) => `${s.state} from ${formatClock(new Date(s.from).toISOString(), false)}`);
  return (
    <svg
      className="inst-timeline"
      role="img"
      aria-label={`Timeline of ${shortInstanceId(track.info.instanceId)}${track.info.provisioned ? ' (provisioned)' : ''}: ${described.join(', ') || 'no activity in this window'}`}
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      width="100%"
      height={H}
    >
      <rect x={0} y={0} width={W} height={H} fill="#ffffff06" />
      {[1, 2, 3, 4].map((i) => (i * W) / 5).map((gx) => (
        <line key={gx} x1={gx} x2={gx} y1={0} y2={H} stroke="#ffffff14" vectorEffect="non-scaling-stroke" />
      ))}
      {track.info.provisioned && segments.length > 0 && (
        // a provisioned instance's life is underlined in gold, under its states
        <rect data-provisioned x={x(segments[0].from)} y={H - 2} width={Math.max(MIN_SPAN, x(segments[segments.length - 1].to) - x(segments[0].from))} height={2} fill={PROVISIONED_COLOR} shapeRendering="crispEdges" />
      )}
      {segments.map((s) => {
        const x0 = x(s.from);
        const w = Math.max(MIN_SPAN, x(s.to) - x0);
        return (
          <rect
            key={`${s.state}-${s.from}`}
            data-state={s.state}
            x={Math.min(x0, W - w)}
            y={s.state === 'Busy' ? 0 : 2}
            width={w}
            height={s.state === 'Busy' ? H : H - 4}
            fill={STATE_COLORS[s.state]}
            opacity={s.state === 'Frozen' ? 0.55 : 1}
            shapeRendering="crispEdges"
          />
        );
      })}
    </svg>
  );
}
