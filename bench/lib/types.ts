import type { LoadWorker } from './load.ts';
import type { Progress } from './progress.ts';

/** One measured figure, with the reference it is judged against (a floor or a peer) measured in the same run. */
export interface Figure {
  measure: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in this run. */
  reference?: { name: string; value: number };
  /** value / reference.value */
  ratio?: number;
  target?: { text: string; met: boolean };
  /** More of the distribution (e.g. the p95 beside a p50). */
  detail?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  seconds: number;
  figures: Figure[];
  notes: string[];
  /** Set when the scenario could not run (e.g. the UI build failed) or was skipped. */
  skipped?: string;
  error?: string;
}

export interface ScenarioContext {
  quick: boolean;
  progress: Progress;
  load: LoadWorker;
}

export interface Scenario {
  id: string;
  title: string;
  /** Seconds past which the run reports it failed, when the default (90 quick, 300 full) is too short for its work. */
  limitSec?: { quick: number; full: number };
  run(ctx: ScenarioContext): Promise<{ figures: Figure[]; notes: string[]; skipped?: string }>;
}

/** A figure compared with a reference: the ratio is always value / reference. */
export function compared(measure: string, value: number, unit: string, reference: { name: string; value: number }, target?: { text: string; met: boolean | ((ratio: number) => boolean) }): Figure {
  const ratio = reference.value > 0 ? value / reference.value : NaN;
  const met = (t: NonNullable<typeof target>) => (typeof t.met === 'boolean' ? t.met : t.met(ratio));
  return { measure, value, unit, reference, ratio, ...(target ? { target: { text: target.text, met: met(target) } } : {}) };
}
