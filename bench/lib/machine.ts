import { readFileSync } from 'node:fs';
import { cpus, totalmem, release } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGB: number;
  node: string;
  kernel: string;
}

export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    kernel: `Linux ${release()}`,
  };
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
function cpuJiffies() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] ?? 0); // idle + iowait
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0); // guest time is already in user
  return { busy: total - idle, total };
}

/** Share of the whole machine's CPU time (all cores) that was busy during `ms`, in percent. */
export async function machineCpuPercent(ms: number): Promise<number> {
  const a = cpuJiffies();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuJiffies();
  return b.total > a.total ? ((b.busy - a.busy) / (b.total - a.total)) * 100 : 0;
}

/** CPU time (user + system) a process has used so far, in ms. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in USER_HZ (100)
  } catch {
    return 0;
  }
}

/** RSS and PSS of one process in bytes (PSS shares pages among the processes that map them). */
export function memoryOf(pid: number): { rss: number; pss: number } {
  try {
    const s = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}

/** Every process of the tree rooted at `root` (needs /proc/<pid>/task/<pid>/children). */
export function treePids(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    try {
      const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      if (kids) stack.push(...kids.split(' ').map(Number));
    } catch {
      // gone
    }
  }
  return out;
}

/** Summed RSS and PSS of the process trees rooted at `roots`. */
export function treesMemory(roots: number[]): { rss: number; pss: number; processes: number } {
  let rss = 0;
  let pss = 0;
  let processes = 0;
  for (const root of roots) {
    for (const pid of treePids(root)) {
      const m = memoryOf(pid);
      rss += m.rss;
      pss += m.pss;
      processes++;
    }
  }
  return { rss, pss, processes };
}

export const MB = 1024 * 1024;
