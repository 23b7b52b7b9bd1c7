import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { memoryOf, processCpuMs, treePids } from './machine.ts';

/** What a process of an instance is, for the memory breakdown. */
export type ProcessKind = 'bwrap' | 'slirp4netns' | 'function';

/** The host processes of one instance: its tree and, sandboxed with network, its slirp4netns. */
export interface InstanceProcesses {
  instanceId: string;
  pids: { pid: number; kind: ProcessKind }[];
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

const childrenOf = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

/**
 * Every host process of each instance. `pid` (listInstances) is the outer bwrap, sandboxed, or the
 * function's process, unsandboxed: its descendants are the instance. slirp4netns is a child of the
 * service, not of bwrap; its last-but-one argument is the host pid of the sandbox's pid 1 (the inner
 * bwrap), which is in exactly one instance's tree.
 */
export function instanceProcesses(servicePid: number, instances: { instanceId: string; pid: number }[]): { instances: InstanceProcesses[]; unattributedSlirps: number } {
  const owner = new Map<number, InstanceProcesses>();
  const out = instances.map((i) => {
    const entry: InstanceProcesses = { instanceId: i.instanceId, pids: [] };
    for (const pid of treePids(i.pid)) {
      const name = basename(cmdline(pid)[0] ?? '');
      entry.pids.push({ pid, kind: name === 'bwrap' ? 'bwrap' : 'function' });
      owner.set(pid, entry);
    }
    return entry;
  });
  let unattributedSlirps = 0;
  for (const pid of childrenOf(servicePid)) {
    const args = cmdline(pid);
    if (basename(args[0] ?? '') !== 'slirp4netns') continue;
    const target = owner.get(Number(args[args.length - 2]));
    if (target) target.pids.push({ pid, kind: 'slirp4netns' });
    else unattributedSlirps++;
  }
  return { instances: out, unattributedSlirps };
}

/** RSS and PSS summed over every process of the instances, in total and per kind of process. */
export function instancesMemory(list: InstanceProcesses[]) {
  const total = { rss: 0, pss: 0, processes: 0 };
  const byKind = new Map<ProcessKind, { rss: number; pss: number; processes: number }>();
  for (const inst of list) {
    for (const { pid, kind } of inst.pids) {
      const m = memoryOf(pid);
      const k = byKind.get(kind) ?? { rss: 0, pss: 0, processes: 0 };
      byKind.set(kind, { rss: k.rss + m.rss, pss: k.pss + m.pss, processes: k.processes + 1 });
      total.rss += m.rss;
      total.pss += m.pss;
      total.processes++;
    }
  }
  return { ...total, byKind };
}

/** CPU time used so far by every process of the instances, per kind, in ms. */
export function instancesCpuMs(list: InstanceProcesses[]): Map<ProcessKind | 'all', number> {
  const m = new Map<ProcessKind | 'all', number>([['all', 0]]);
  for (const inst of list) {
    for (const { pid, kind } of inst.pids) {
      const ms = processCpuMs(pid);
      m.set(kind, (m.get(kind) ?? 0) + ms);
      m.set('all', m.get('all')! + ms);
    }
  }
  return m;
}
