import { readFileSync, writeFileSync } from 'node:fs';

// Memory of an instance is the memory of its whole process tree, read from /proc (Linux only).

function childrenOf(pid: number): number[] {
  try {
    // Needs CONFIG_PROC_CHILDREN; every thread's children are listed under its own task entry.
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return tasks ? tasks.split(' ').map(Number) : [];
  } catch {
    return [];
  }
}

export function treePids(root: number): number[] {
  const out: number[] = [];
  const stack = [root];
  while (stack.length && out.length < 4096) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...childrenOf(pid));
  }
  return out;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const i = s.indexOf(field + ':');
    if (i < 0) return 0;
    return parseInt(s.slice(i + field.length + 1), 10) * 1024;
  } catch {
    return 0;
  }
}

export const treeRssBytes = (root: number) => treePids(root).reduce((sum, pid) => sum + statusField(pid, 'VmRSS'), 0);

/** Resets the peak RSS counter (VmHWM) of every process of the tree, so the next read gives this invocation's peak. */
export function resetPeak(root: number) {
  for (const pid of treePids(root)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      // Not ours to reset (exited, or no permission): the peak then covers the process's lifetime.
    }
  }
}

export const peakRssBytes = (root: number) => treePids(root).reduce((sum, pid) => sum + statusField(pid, 'VmHWM'), 0);
