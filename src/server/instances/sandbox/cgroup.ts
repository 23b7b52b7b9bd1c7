import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

// One cgroup per instance, under a parent named after the data dir (so a restart finds what a
// hard-killed run left). v2 is one directory; v1 is one directory in each of the memory, pids and
// freezer hierarchies. Everything here is plain file I/O on cgroupfs, done synchronously: each call
// is a few small reads or writes, cheaper than the /proc tree walks it replaces.

/** FC documents no per-instance process limit; 1024 tasks (threads count) is Lambda's documented one. */
export const PIDS_MAX = 1024;
/** /tmp is a tmpfs whose pages the kernel charges to the writer's cgroup (see `limitBytes`). */
export const TMP_BYTES = 512 * 1024 * 1024;

export interface InstanceCgroup {
  /** `cgroup.procs` files a process writes its pid into to join (before it forks anything). */
  procsFiles: string[];
  /** The kernel's memory limit for the function's `memorySize` (see `limitBytes`). */
  setMemoryLimit(memoryMB: number): void;
  /** Settles once the kernel says every task is frozen (or after 50 ms): the event loop is not held meanwhile. */
  freeze(): Promise<void>;
  thaw(): void;
  /** Memory the function uses: anonymous plus mapped file pages (what RSS counts), without /tmp. */
  current(): number;
  resetPeak(): void;
  peak(): number;
  oomKills(): number;
  /** Kills whatever is still inside, then removes the directories. */
  remove(): void;
}

export interface CgroupRoot {
  version: 'v1' | 'v2';
  create(name: string): InstanceCgroup;
  /** Kills and removes every instance cgroup a previous run of this data dir left. */
  reap(): number;
}

const write = (file: string, value: string) => writeFileSync(file, value);
const read = (file: string) => readFileSync(file, 'utf8');

function statFields(text: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    if (sp > 0) m.set(line.slice(0, sp), Number(line.slice(sp + 1)));
  }
  return m;
}

/**
 * The kernel limit is the function's memory plus the /tmp cap: tmpfs pages count as the writer's
 * memory, and on FC /tmp is disk, so a 128 MB function may still fill its 512 MB /tmp. The
 * function's own limit (memorySize) is then checked against `current()`, which leaves /tmp out.
 */
export const limitBytes = (memoryMB: number) => memoryMB * 1024 * 1024 + TMP_BYTES;

function killAll(procsFile: string) {
  try {
    for (const pid of read(procsFile).split('\n').filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  } catch {
    /* no such cgroup */
  }
}

/**
 * Waits (1 ms steps, at most ~50 ms) for a cgroup state the kernel reaches on its own. Asynchronous:
 * a synchronous wait here held the service's one thread on every freeze (a sixth of a busy drain).
 */
async function settle(done: () => boolean) {
  for (let i = 0; i < 50 && !done(); i++) await new Promise((r) => setTimeout(r, 1));
}

function rmdirRetry(dir: string) {
  // A cgroup can only be removed once its last task has been reaped; that takes the kernel a moment.
  for (let i = 0; i < 50; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY') return;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
  }
}

function reapUnder(parents: string[]): number {
  let n = 0;
  const ids = new Set<string>();
  for (const p of parents) {
    try {
      for (const e of readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) ids.add(e.name);
    } catch {
      /* parent not there yet */
    }
  }
  const dirs = [...ids].flatMap((id) => parents.map((p) => join(p, id))).filter((d) => existsSync(d));
  // 1. thaw and kill everything first, 2. then remove the cgroups: the kernel reaps the tasks of all
  // of them meanwhile, instead of one cgroup's wait after another (a restart after a kill -9 with
  // 32 frozen instances took 5 s that way).
  for (const dir of dirs) {
    if (existsSync(join(dir, 'freezer.state'))) {
      try {
        write(join(dir, 'freezer.state'), 'THAWED');
      } catch {
        /* ignore */
      }
    }
    killAll(join(dir, 'cgroup.procs'));
  }
  for (const dir of dirs) rmdirRetry(dir);
  n = ids.size;
  return n;
}

const parentName = (dataDir: string) => `fnplay-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;

/** The cgroup v1 hierarchies of this process: controller → its directory (mount point + own path). */
function v1Dirs(): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const line of read('/proc/self/cgroup').split('\n')) {
    const [, controllers, path] = line.split(':');
    if (!controllers) continue;
    for (const c of controllers.split(',')) if (c) dirs.set(c, join('/sys/fs/cgroup', c, path));
  }
  return dirs;
}

function tryV1(dataDir: string): CgroupRoot | null {
  const own = v1Dirs();
  const parents: Record<'memory' | 'pids' | 'freezer', string> = { memory: '', pids: '', freezer: '' };
  for (const c of ['memory', 'pids', 'freezer'] as const) {
    const dir = own.get(c);
    if (!dir || !existsSync(join(dir, 'cgroup.procs'))) return null;
    parents[c] = join(dir, parentName(dataDir));
    try {
      mkdirSync(parents[c], { recursive: true });
      // A probe child proves we may create, limit and remove cgroups here.
      const probe = join(parents[c], 'probe');
      mkdirSync(probe, { recursive: true });
      rmdirSync(probe);
    } catch {
      return null;
    }
  }
  return {
    version: 'v1',
    reap: () => reapUnder(Object.values(parents)),
    create(name) {
      const mem = join(parents.memory, name);
      const pids = join(parents.pids, name);
      const frz = join(parents.freezer, name);
      for (const d of [mem, pids, frz]) mkdirSync(d);
      write(join(pids, 'pids.max'), String(PIDS_MAX));
      const stat = () => statFields(read(join(mem, 'memory.stat')));
      return {
        procsFiles: [mem, pids, frz].map((d) => join(d, 'cgroup.procs')),
        setMemoryLimit: (memoryMB) => write(join(mem, 'memory.limit_in_bytes'), String(limitBytes(memoryMB))),
        // v1 freezing is asynchronous (FREEZING until every task stops): wait for it, briefly,
        // so that "Frozen" means no timer of the function runs any more.
        freeze: () => {
          write(join(frz, 'freezer.state'), 'FROZEN');
          return settle(() => read(join(frz, 'freezer.state')).startsWith('FROZEN'));
        },
        thaw: () => write(join(frz, 'freezer.state'), 'THAWED'),
        current() {
          const s = stat();
          return (s.get('total_rss') ?? 0) + (s.get('total_mapped_file') ?? 0);
        },
        resetPeak: () => write(join(mem, 'memory.max_usage_in_bytes'), '0'),
        peak() {
          // The kernel's peak counts page cache and /tmp too; take off the cache that is not mapped now.
          const s = stat();
          const unmappedCache = (s.get('total_cache') ?? 0) - (s.get('total_mapped_file') ?? 0);
          const peak = Number(read(join(mem, 'memory.max_usage_in_bytes'))) - unmappedCache;
          const cur = (s.get('total_rss') ?? 0) + (s.get('total_mapped_file') ?? 0);
          return Math.max(peak, cur);
        },
        oomKills: () => statFields(read(join(mem, 'memory.oom_control'))).get('oom_kill') ?? 0,
        remove() {
          try {
            write(join(frz, 'freezer.state'), 'THAWED');
          } catch {
            /* gone */
          }
          for (const d of [mem, pids, frz]) {
            killAll(join(d, 'cgroup.procs'));
            rmdirRetry(d);
          }
        },
      };
    },
  };
}

function tryV2(dataDir: string): CgroupRoot | null {
  const line = read('/proc/self/cgroup').split('\n').find((l) => l.startsWith('0::'));
  if (!line || !existsSync('/sys/fs/cgroup/cgroup.controllers')) return null;
  const own = join('/sys/fs/cgroup', line.slice(3));
  // Candidates: the root (writable for root), then our own cgroup (delegated to a user by systemd).
  for (const base of ['/sys/fs/cgroup', own]) {
    const parent = join(base, parentName(dataDir));
    try {
      if (!read(join(base, 'cgroup.controllers')).includes('memory')) continue;
      if (!read(join(base, 'cgroup.subtree_control')).includes('memory')) {
        // v2 lets a non-root cgroup hand controllers to children only while it holds no processes
        // itself: in our own (delegated) cgroup, its processes (this service, the npm or shell that
        // started it) move into a leaf first, as systemd's delegation docs describe.
        if (base === own) moveProcessesToLeaf(own);
        write(join(base, 'cgroup.subtree_control'), '+memory +pids');
      }
      mkdirSync(parent, { recursive: true });
      write(join(parent, 'cgroup.subtree_control'), '+memory +pids');
    } catch {
      continue; // not ours to write, or processes in `base` forbid enabling controllers (no internal processes)
    }
    return {
      version: 'v2',
      reap: () => reapUnder([parent]),
      create(name) {
        const dir = join(parent, name);
        mkdirSync(dir);
        try {
          write(join(dir, 'memory.swap.max'), '0');
        } catch {
          /* no swap accounting: nothing to limit */
        }
        write(join(dir, 'pids.max'), String(PIDS_MAX));
        // memory.peak resets per open file (Linux 6.12+): keep one fd, write to reset, pread to read.
        let peakFd: number | null = null;
        try {
          peakFd = openSync(join(dir, 'memory.peak'), 'r+');
        } catch {
          /* older kernel: peak falls back to current */
        }
        const stat = () => statFields(read(join(dir, 'memory.stat')));
        const used = (s: Map<string, number>) => (s.get('anon') ?? 0) + (s.get('file_mapped') ?? 0);
        const current = () => used(stat());
        return {
          procsFiles: [join(dir, 'cgroup.procs')],
          setMemoryLimit: (memoryMB) => write(join(dir, 'memory.max'), String(limitBytes(memoryMB))),
          freeze: () => {
            write(join(dir, 'cgroup.freeze'), '1');
            return settle(() => /^frozen 1$/m.test(read(join(dir, 'cgroup.events'))));
          },
          thaw: () => write(join(dir, 'cgroup.freeze'), '0'),
          current,
          resetPeak() {
            if (peakFd === null) return;
            try {
              writeSync(peakFd, 'reset');
            } catch {
              /* kernel without per-fd reset: the peak covers the instance's life */
            }
          },
          peak() {
            const s = stat();
            if (peakFd === null) return used(s);
            const buf = Buffer.alloc(32);
            const n = readSync(peakFd, buf, 0, 32, 0);
            const unmappedCache = (s.get('file') ?? 0) - (s.get('file_mapped') ?? 0);
            return Math.max(Number(buf.toString('utf8', 0, n)) - unmappedCache, used(s));
          },
          oomKills: () => statFields(read(join(dir, 'memory.events'))).get('oom_kill') ?? 0,
          remove() {
            if (peakFd !== null) closeSync(peakFd);
            try {
              write(join(dir, 'cgroup.kill'), '1');
            } catch {
              killAll(join(dir, 'cgroup.procs'));
            }
            rmdirRetry(dir);
          },
        };
      },
    };
  }
  return null;
}

function moveProcessesToLeaf(dir: string) {
  const leaf = join(dir, 'fnplay-service');
  mkdirSync(leaf, { recursive: true });
  for (const pid of read(join(dir, 'cgroup.procs')).split('\n').filter(Boolean)) write(join(leaf, 'cgroup.procs'), pid);
}

/** The cgroup this service may manage its instances in, or null (then: /proc sampling and SIGSTOP). */
export function findCgroupRoot(dataDir: string): CgroupRoot | null {
  try {
    return tryV2(dataDir) ?? tryV1(dataDir);
  } catch {
    return null;
  }
}
