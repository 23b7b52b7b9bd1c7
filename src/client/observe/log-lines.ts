import type { LogLine } from '../../shared/observe.ts';

// Pure work on log lines: merging stored and live ones, filtering, styling, copying.

/** Stored history and live lines overlap around the moment the page connected: merge by id. */
export function mergeLines(...sources: LogLine[][]): LogLine[] {
  const byId = new Map<number, LogLine>();
  for (const src of sources) for (const l of src) byId.set(l.id, l);
  const out = [...byId.values()];
  out.sort((a, b) => a.id - b.id);
  return out;
}

export interface LogFilter {
  service: string;
  fn: string;
  /** a request id or part of one */
  requestId: string;
  /** an exact instance id, or '' for all */
  instanceId: string;
  /** lines up to this id were cleared by the user */
  clearedThroughId: number;
}

export function filterLines(lines: LogLine[], f: LogFilter): LogLine[] {
  const req = f.requestId.trim().toLowerCase();
  return lines.filter(
    (l) =>
      l.id > f.clearedThroughId &&
      l.serviceName === f.service &&
      l.functionName === f.fn &&
      (!req || (l.requestId ?? '').toLowerCase().includes(req)) &&
      (!f.instanceId || l.instanceId === f.instanceId),
  );
}

/** The instances lines came from, first seen first: the choices of the instance filter. */
export function instanceIdsOf(lines: LogLine[]): string[] {
  const seen = new Set<string>();
  for (const l of lines) if (l.instanceId) seen.add(l.instanceId);
  return [...seen];
}

const LEVEL_ALIASES: Record<string, string> = { warning: 'warn', fatal: 'error', critical: 'error', trace: 'verbose' };

/** The `.level-*` class of a line: FC's levels are verbose, debug, info, warn, error. */
export function levelClass(level: string): string {
  const l = level.toLowerCase();
  return `level-${LEVEL_ALIASES[l] ?? l}`;
}

export const isInvokeStart = (l: LogLine) => l.source === 'system' && l.text.startsWith('FC Invoke Start');

/** What `Copy logs` puts on the clipboard: the lines as FC prints them, one per row. */
export const toClipboardText = (lines: LogLine[]) => lines.map((l) => l.text).join('\n');
