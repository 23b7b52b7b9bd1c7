import type { AccelerationProgress } from '../../shared/observe.ts';
import { formatSize } from './format.ts';

/** What a container image's preparation is doing, in words and (when known) as a percentage. */
export function describeProgress(p: AccelerationProgress | null): { text: string; percent: number | null; short: string } {
  if (!p) return { text: 'Preparing…', percent: null, short: '' };
  if (p.phase === 'pulling') return { text: 'Pulling…', percent: null, short: 'pulling' };
  const parts: string[] = [];
  let short = 'unpacking';
  if (p.layers !== undefined && p.layers > 0) {
    const done = p.layersDone ?? 0;
    parts.push(done >= p.layers ? `Unpacked ${p.layers} of ${p.layers} layers` : `Unpacking layer ${done + 1} of ${p.layers}`);
    short = `layer ${Math.min(done + 1, p.layers)}/${p.layers}`;
  } else parts.push('Unpacking…');
  const hasBytes = p.bytes !== undefined && p.bytes > 0;
  if (hasBytes) parts.push(`${formatSize(p.bytesDone ?? 0)} of ${formatSize(p.bytes!)}`);
  // bytes say more than layers (one big layer among small ones); layers when that is all there is
  const ratio = hasBytes ? (p.bytesDone ?? 0) / p.bytes! : p.layers ? (p.layersDone ?? 0) / p.layers : null;
  return { text: parts.join(' · '), percent: ratio === null ? null : Math.max(0, Math.min(100, Math.round(ratio * 100))), short };
}
