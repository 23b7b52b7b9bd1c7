import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.ts';
import { fmt } from './stats.ts';
import type { ScenarioResult } from './types.ts';

export interface RunReport {
  date: string;
  mode: 'quick' | 'full';
  command: string;
  machine: MachineInfo;
  totalSeconds: number;
  scenarios: ScenarioResult[];
}

const ratioText = (r: number | undefined) => (r === undefined || !Number.isFinite(r) ? '' : `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`);

/** The summary table: one row per figure, its same-run reference and the ratio. */
export function markdownTable(report: RunReport): string {
  const rows = ['| # | Measure | fnplay | Reference (same run) | Ratio | Target | Met |', '|---|---|---:|---|---:|---|:-:|'];
  for (const s of report.scenarios) {
    if (s.error || s.skipped) {
      rows.push(`| ${s.id} | **${s.title}** | — | ${(s.error ? `failed: ${firstLine(s.error)}` : `skipped: ${s.skipped}`).replace(/\|/g, '\\|')} | | | |`);
      continue;
    }
    s.figures.forEach((f, i) => {
      const name = i === 0 ? `**${s.title}**: ${f.measure}` : f.measure;
      const ref = [f.reference ? `${f.reference.name}: ${fmt(f.reference.value)} ${f.unit}` : '', f.detail ?? ''].filter(Boolean).join('; ');
      const met = f.target ? (f.target.met ? 'yes' : '**no**') : '';
      rows.push(`| ${i === 0 ? s.id : ''} | ${name} | ${fmt(f.value)} ${f.unit} | ${ref} | ${ratioText(f.ratio)} | ${f.target?.text ?? ''} | ${met} |`);
    });
  }
  return rows.join('\n');
}

export function markdownReport(report: RunReport): string {
  const m = report.machine;
  const notes = report.scenarios
    .filter((s) => s.notes.length || s.error)
    .map((s) => `### ${s.id}. ${s.title} (${s.seconds.toFixed(1)} s)\n\n${[...(s.error ? [`Failed:\n\n\`\`\`\n${s.error}\n\`\`\``] : []), ...s.notes.map((n) => `- ${n}`)].join('\n')}`)
    .join('\n\n');
  return `# fnplay benchmark, ${report.date} (${report.mode})

Machine: ${m.cores} cores, ${m.cpuModel}, ${m.memoryGB} GB RAM, Node ${m.node}, ${m.kernel}.
Command: \`${report.command}\`, ${report.totalSeconds.toFixed(0)} s in total.
Every reference is measured in the same run; the ratio is fnplay ÷ reference.

${markdownTable(report)}

## Notes

${notes}
`;
}

/**
 * Writes `<date>.md` and `.json` (full runs) and the `latest` copies; quick runs only `quick-latest`.
 * A run of some scenarios (`only`) writes `<date>-only-<ids>` alone and never replaces a
 * `latest`, which stays a whole run.
 */
export function saveReport(report: RunReport, dir: string, only: string[] | null = null): string[] {
  mkdirSync(dir, { recursive: true });
  const md = markdownReport(report);
  const json = JSON.stringify(report, (_k, v) => (v instanceof Float64Array ? undefined : v), 2) + '\n';
  const dated = report.date.replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const names = only ? [`${dated}-only-${only.join('-')}`] : report.mode === 'full' ? [dated, 'latest'] : ['quick-latest'];
  const written: string[] = [];
  for (const name of names) {
    writeFileSync(join(dir, `${name}.md`), md);
    writeFileSync(join(dir, `${name}.json`), json);
    written.push(join(dir, `${name}.md`), join(dir, `${name}.json`));
  }
  return written;
}

const firstLine = (s: string) => s.split('\n')[0].slice(0, 160);
