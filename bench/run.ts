// `npm run bench [-- --quick] [--only 1,3] [--profile 3] [--no-save]`: runs the scenarios of
// bench/scenarios in order, prints progress and a final table, and writes bench/results/ (a full
// run of some scenarios writes only its own dated copy; a quick one with --only nothing).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { closeOpenServices } from './lib/bench-service.ts';
import { startLoadWorker } from './lib/load.ts';
import { describeMachine } from './lib/machine.ts';
import { profileServices } from './lib/profile.ts';
import { createProgress } from './lib/progress.ts';
import { markdownTable, saveReport, type RunReport } from './lib/report.ts';
import type { ScenarioResult } from './lib/types.ts';
import { SCENARIOS } from './scenarios/index.ts';

const RESULTS = join(import.meta.dirname, 'results');

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
    'no-save': { type: 'boolean', default: false },
  },
});
const quick = args.quick!;
const only = args.only ? new Set(args.only.split(',')) : null;
const profiled = new Set((args.profile ?? '').split(',').filter(Boolean));
// A scenario that hangs must not hold the run: past this (or its own limitSec) it is reported as failed.
const SCENARIO_LIMIT_MS = quick ? 90_000 : 300_000;

// Output piped into `head` must not kill the run half-way with its instances left running.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
process.on('SIGINT', () => {
  process.stderr.write('\ninterrupted: stopping every instance…\n');
  void closeOpenServices().finally(() => process.exit(130));
});

const progress = createProgress();
const machine = describeMachine();
progress.step(`fnplay bench (${quick ? 'quick' : 'full'}): ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}`);
const load = await startLoadWorker();
const t0 = performance.now();
const results: ScenarioResult[] = [];

for (const scenario of SCENARIOS) {
  if (only && !only.has(scenario.id)) continue;
  progress.scenario(`${scenario.id}. ${scenario.title}`);
  const started = performance.now();
  const profileDir = join(RESULTS, 'profiles', `scenario-${scenario.id}${quick ? '-quick' : ''}`);
  const profile = profiled.has(scenario.id) ? profileServices(profileDir) : null;
  let limit: NodeJS.Timeout | undefined;
  const limitMs = scenario.limitSec ? scenario.limitSec[quick ? 'quick' : 'full'] * 1000 : SCENARIO_LIMIT_MS;
  try {
    const out = await Promise.race([
      scenario.run({ quick, progress, load }),
      new Promise<never>((_, reject) => (limit = setTimeout(() => reject(new Error(`took longer than ${limitMs / 1000} s`)), limitMs))),
    ]);
    results.push({ id: scenario.id, title: scenario.title, seconds: (performance.now() - started) / 1000, ...out });
  } catch (err) {
    progress.step(`failed: ${(err as Error).message}`);
    results.push({ id: scenario.id, title: scenario.title, seconds: (performance.now() - started) / 1000, figures: [], notes: [], error: (err as Error).stack ?? String(err) });
    await closeOpenServices();
  } finally {
    clearTimeout(limit);
  }
  if (profile) {
    const top = profile.stop();
    progress.step(`CPU profiles of the service processes: ${profileDir}\n${top.map((l) => `      ${l}`).join('\n')}`);
  }
  progress.step(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
await load.close();

const report: RunReport = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).filter((a) => a !== '--').join(' ')}` : ''}`,
  machine,
  totalSeconds: (performance.now() - t0) / 1000,
  scenarios: results,
};
console.log(`\n${markdownTable(report)}\n`);
for (const s of results) for (const n of s.notes) console.log(`${s.id}. ${n}`);
if (!args['no-save'] && (!only || !quick)) {
  for (const f of saveReport(report, RESULTS, only && [...only])) progress.step(`wrote ${f}`);
} else {
  progress.step('results not saved (--no-save, or --quick with --only)');
}
progress.step(`total ${report.totalSeconds.toFixed(1)} s`);
