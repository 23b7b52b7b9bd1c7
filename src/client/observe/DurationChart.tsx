import { useState } from 'react';
import type { InvocationRecord } from '../../shared/observe.ts';
import { INVOCATION_STATUS_COLOR } from './badges.ts';
import { formatClock, formatMs } from './format.ts';

export const COLD_START_COLOR = '#a371f7';
const BAR = 10;
const GAP = 3;
const H = 56;
const MAX_BARS = 60;

const initMs = (r: InvocationRecord) => (r.coldStart && r.initReport ? r.initReport.pullCodeMs + r.initReport.initRuntimeMs + r.initReport.initFunctionMs : 0);

/**
 * The durations of the latest invocations, oldest on the left. A cold start's bar stacks its
 * start-up time (purple) under the handler time, so the cost of a cold start is plain to see.
 * Bars take the colour of their status; clicking one picks it, like its row.
 */
export function DurationChart({ records, selected, onSelect }: { records: InvocationRecord[]; selected: string | null; onSelect(id: string): void }) {
  const [hovered, setHovered] = useState<InvocationRecord | null>(null);
  const bars = records.slice(0, MAX_BARS).reverse();
  const max = Math.max(1, ...bars.map((r) => r.durationMs + initMs(r)));
  const width = Math.max(bars.length, 1) * (BAR + GAP);
  const y = (ms: number) => (ms / max) * (H - 2);
  const cold = bars.filter((r) => r.coldStart).length;
  const label = `Duration chart: ${bars.length} invocations, longest ${formatMs(max)}, ${cold} cold starts`;
  return (
    <figure className="hist-chart">
      <svg role="img" aria-label="Duration chart" viewBox={`0 0 ${width} ${H}`} width={width} height={H} preserveAspectRatio="xMinYMax meet">
        <desc>{label}</desc>
        <line x1={0} x2={width} y1={H - 0.5} y2={H - 0.5} stroke="var(--border)" />
        {bars.map((r, i) => {
          const x = i * (BAR + GAP);
          const handler = Math.max(1, y(r.durationMs));
          const init = y(initMs(r));
          const isSelected = r.requestId === selected;
          return (
            <g
              key={r.requestId}
              className="hist-bar"
              data-cold={r.coldStart || undefined}
              onClick={() => onSelect(r.requestId)}
              onMouseEnter={() => setHovered(r)}
              onMouseLeave={() => setHovered(null)}
            >
              <rect x={x - 1} y={0} width={BAR + 2} height={H} fill={isSelected ? '#ffffff14' : 'transparent'} />
              {init > 0 && <rect x={x} y={H - init} width={BAR} height={init} fill={COLD_START_COLOR} shapeRendering="crispEdges" />}
              <rect x={x} y={H - init - handler} width={BAR} height={handler} fill={INVOCATION_STATUS_COLOR[r.status]} shapeRendering="crispEdges" />
              {isSelected && <rect x={x - 1} y={H - init - handler - 1} width={BAR + 2} height={init + handler + 1} fill="none" stroke="var(--text)" strokeWidth={1} />}
            </g>
          );
        })}
      </svg>
      <figcaption className="hint hist-chart-caption">{hovered ? describe(hovered) : `max ${formatMs(max)}`}</figcaption>
    </figure>
  );
}

/** The hover readout of one bar (a readout, not SVG <title>s: those would put status words in the page text). */
function describe(r: InvocationRecord): string {
  const start = initMs(r);
  return `${formatClock(r.startTime, false)} · ${r.status} · ${formatMs(r.durationMs)}${start ? ` + ${formatMs(start)} start` : ''}`;
}
