import type { InvocationRecord } from '../../shared/observe.ts';
import { formatMs } from './format.ts';

/** The colours of the phases; the summary's labels carry the same swatches, so they are the legend. */
export const PHASE_COLORS = {
  pullCode: '#a371f7',
  initRuntime: '#58a6ff',
  initFunction: '#39c5cf',
  handler: '#3fb950',
} as const;
export type Phase = keyof typeof PHASE_COLORS;

const PHASE_NAMES: Record<Phase, string> = { pullCode: 'PullCode', initRuntime: 'InitRuntime', initFunction: 'InitFunction', handler: 'Handler' };

export function phasesOf(record: InvocationRecord): { phase: Phase; ms: number }[] {
  const init = record.coldStart ? record.initReport : null;
  return [
    ...(init
      ? [
          { phase: 'pullCode' as const, ms: init.pullCodeMs },
          { phase: 'initRuntime' as const, ms: init.initRuntimeMs },
          { phase: 'initFunction' as const, ms: init.initFunctionMs },
        ]
      : []),
    { phase: 'handler' as const, ms: record.durationMs },
  ];
}

const WIDTH = 1000;

/**
 * Where the time went, as one stacked bar: the three cold-start phases then the handler. A phase
 * too short to see still gets a sliver, so that it reads as "there, but short".
 */
export function PhaseBar({ record }: { record: InvocationRecord }) {
  const phases = phasesOf(record);
  const total = phases.reduce((sum, p) => sum + p.ms, 0);
  const minW = 4;
  const widths = phases.map((p) => (total > 0 ? Math.max(minW, (p.ms / total) * WIDTH) : WIDTH / phases.length));
  const scale = WIDTH / widths.reduce((a, b) => a + b, 0);
  const label = phases.map((p) => `${PHASE_NAMES[p.phase]} ${formatMs(p.ms)}`).join(', ');
  let x = 0;
  return (
    <figure className="phase-bar">
      <svg role="img" aria-label={`Time breakdown: ${label}`} viewBox={`0 0 ${WIDTH} 10`} preserveAspectRatio="none" width="100%" height="10">
        {phases.map((p, i) => {
          const w = widths[i] * scale;
          const rect = <rect key={p.phase} data-phase={p.phase} x={x} y={0} width={Math.max(0, w - 2)} height={10} rx={1.5} fill={PHASE_COLORS[p.phase]} shapeRendering="crispEdges" />;
          x += w;
          return rect;
        })}
      </svg>
      <figcaption className="hint phase-bar-caption">
        <span>{record.coldStart ? `${formatMs(total - record.durationMs)} start + ${formatMs(record.durationMs)} handler` : `${formatMs(total)} handler, warm`}</span>
      </figcaption>
    </figure>
  );
}
