import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setServiceNodeArgs } from './service-process.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * CPU profiles of the service processes a scenario starts (`node --cpu-prof`, written when each
 * exits) into `dir`. `stop()` returns the functions with the most self time over all of them.
 */
export function profileServices(dir: string) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  setServiceNodeArgs(['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
  return {
    stop(top = 25): string[] {
      setServiceNodeArgs([]);
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      const merged: CpuProfile = { nodes: [], samples: [], timeDeltas: [] };
      files.forEach((f, i) => {
        const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
        const offset = i * 1e7; // node ids are per file
        merged.nodes.push(...p.nodes.map((n) => ({ ...n, id: n.id + offset })));
        merged.samples.push(...p.samples.map((s) => s + offset));
        merged.timeDeltas.push(...p.timeDeltas);
      });
      return files.length ? topSelfTime(merged, top) : ['no profile was written (did the service processes exit?)'];
    },
  };
}

function topSelfTime(profile: CpuProfile, top: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const f = byId.get(id)!.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}
