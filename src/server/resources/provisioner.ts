import type { Instance, Scheduler } from '../scheduler/index.ts';
import type { ProvisionConfigRecord, Store } from '../store/index.ts';
import { qualify, readVersionOf, runnableAt, serviceAt } from './qualifiers.ts';

/** At most this many provisioned instances start at once: a target of 50 on a 2-core machine must not time out its own starts. */
const PARALLEL_STARTS = 8;
/** How often the provisioned instances are checked against the configs (a crashed one comes back, a failed start is tried again). */
const RECONCILE_MS = 2000;

export const provisionKey = (serviceName: string, qualifier: string, functionName: string) => `${serviceName}#${qualifier}#${functionName}`;

/**
 * Keeps each provision config's target of instances running, ahead of traffic (SPEC §1, FC2-API
 * §5.5): started with their initializer, on the version the qualifier names now (an alias moved, or
 * LATEST updated, replaces them), never reclaimed for idleness; a lower target stops the extra
 * ones with PreStop. Runs after every change of a config, an alias or a function, and every 2 s.
 */
export function createProvisioner(deps: { store: Store; scheduler: Scheduler; region: string; accountId: string }) {
  const errors = new Map<string, string>(); // config key → why its last start failed
  // config key → starts queued and not begun: once begun, the scheduler holds the instance (counted there)
  const queued = new Map<string, number>();
  let running: Promise<void> | null = null;
  let again = false;
  // Callers of afterNextPass(): resolved once a pass that began after their call has ended.
  let waiting: (() => void)[] = [];
  let closed = false;

  /** The revision a config's instances must run, or why there is none. */
  function revisionFor(cfg: ProvisionConfigRecord) {
    const q = qualify(deps.store, cfg.serviceName, cfg.qualifier);
    const versionId = readVersionOf(q);
    return {
      service: serviceAt(deps.store, cfg.serviceName, versionId), fn: runnableAt(deps.store, cfg.serviceName, versionId, cfg.functionName),
      qualifier: cfg.qualifier, versionId, region: deps.region, accountId: deps.accountId,
    };
  }

  const matches = (i: Instance, rev: ReturnType<typeof revisionFor>) => i.rev.versionId === rev.versionId && i.rev.fn.revision === rev.fn.revision;

  async function reconcile() {
    const wanted = new Map<string, { cfg: ProvisionConfigRecord; rev: ReturnType<typeof revisionFor> | null }>();
    for (const cfg of deps.store.releases.listProvision()) {
      const key = provisionKey(cfg.serviceName, cfg.qualifier, cfg.functionName);
      try {
        wanted.set(key, { cfg, rev: revisionFor(cfg) });
      } catch (err) {
        // The alias or function went away: nothing to run; its instances go below.
        errors.set(key, (err as Error).message);
        wanted.set(key, { cfg, rev: null });
      }
    }
    // 1. instances no config wants any more, or of a version their qualifier no longer names
    for (const i of deps.scheduler.provisioned()) {
      const w = wanted.get(i.provision!.key);
      if (!w || !w.rev || !matches(i, w.rev)) i.drain();
    }
    // 2. each config to its target: start the missing ones, stop the extra ones (idle first)
    const starts: (() => Promise<void>)[] = [];
    for (const [key, { cfg, rev }] of wanted) {
      if (!rev) continue;
      const mine = deps.scheduler.provisionedOf(key).filter((i) => !i.draining && matches(i, rev));
      const have = mine.length + (queued.get(key) ?? 0);
      if (have > cfg.target) {
        // the ones still starting first, then the idle ones
        const extra = mine.sort((a, b) => Number(a.ready) - Number(b.ready) || a.inFlight - b.inFlight).slice(0, have - cfg.target);
        for (const i of extra) i.drain();
      }
      for (let n = have; n < cfg.target; n++) {
        queued.set(key, (queued.get(key) ?? 0) + 1);
        starts.push(async () => {
          // From here the scheduler tracks the instance (provision() creates it before its first await).
          queued.set(key, (queued.get(key) ?? 1) - 1);
          try {
            await deps.scheduler.provision(rev, { key, alwaysAllocateCPU: cfg.alwaysAllocateCPU });
            errors.delete(key);
          } catch (err) {
            errors.set(key, (err as Error).message);
          }
        });
      }
    }
    // Configs not reached yet are not blocked by a slow start: the starts run in the background,
    // PARALLEL_STARTS at a time, and the next pass counts them as under way.
    void runLimited(starts, PARALLEL_STARTS);
  }

  function kick() {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    const inPass = waiting;
    waiting = [];
    running = reconcile()
      .catch((err) => console.error('fnplay: provisioning failed', err))
      .finally(() => {
        running = null;
        for (const done of inPass) done();
        if (again) {
          again = false;
          kick();
        }
      });
  }

  const timer = setInterval(kick, RECONCILE_MS);
  timer.unref();
  kick();

  return {
    /** Look again now (a config, an alias or a function changed). */
    kick,
    /** Settles once a whole pass that began after this call has ended (tests: nothing more is coming). */
    afterNextPass: () => new Promise<void>((resolve) => {
      waiting.push(resolve);
      kick();
    }),
    /** What GetProvisionConfig reports: instances ready now, and why the last start failed. */
    stateOf(serviceName: string, qualifier: string, functionName: string) {
      const key = provisionKey(serviceName, qualifier, functionName);
      const current = deps.scheduler.provisionedOf(key).filter((i) => i.ready && !i.draining).length;
      return { current, error: errors.get(key) ?? null };
    },
    close() {
      closed = true;
      clearInterval(timer);
    },
  };
}
export type Provisioner = ReturnType<typeof createProvisioner>;

async function runLimited(tasks: (() => Promise<void>)[], limit: number) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}
