import { readFileSync } from 'node:fs';

/** VmRSS and VmHWM (the kernel's own peak of RSS) of one process, in bytes; 0 once it is gone. */
export function rssOf(pid: number): { rss: number; hwm: number } {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/**
 * Samples a process's RSS from /proc/<pid>/status every `everyMs` until `stop()`, which gives the
 * peak seen. The kernel's VmHWM is read at both ends too: when it rose in between, that rise is
 * the true peak, which sampling can only approach (a spike between two samples is missed).
 */
export function sampleRss(pid: number, everyMs = 25) {
  const start = rssOf(pid);
  let peak = start.rss;
  let samples = 0;
  const timer = setInterval(() => {
    const { rss } = rssOf(pid);
    samples++;
    if (rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const end = rssOf(pid);
      peak = Math.max(peak, end.rss);
      const hwmRose = end.hwm > start.hwm;
      return { sampledPeak: peak, samples, hwmPeak: hwmRose ? end.hwm : null, peak: hwmRose ? Math.max(peak, end.hwm) : peak };
    },
  };
}

/** The median RSS of a process over `ms`, sampled every `everyMs`: its idle level. */
export async function idleRss(pid: number, ms = 1000, everyMs = 25): Promise<number> {
  const values: number[] = [];
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    values.push(rssOf(pid).rss);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}
