import { performance } from 'node:perf_hooks';
import { FcError } from '../errors.ts';
import { createInstance, type Instance, type InstanceDeps, type ProvisionTag } from './instance.ts';
import { newRequestId } from '../request-id.ts';
import { initReportLine } from '../../shared/log-format.ts';
import { functionKey, type FunctionRevision, type InitReport } from './types.ts';

export { isSuccess, type Instance, type KillReason, type ProvisionTag } from './instance.ts';
export type { FunctionRevision, InitReport } from './types.ts';

export interface SchedulerConfig extends Omit<InstanceDeps, 'onGone'> {
  maxInstances: number;
  idleTtlMs: number;
}

/** A request's hold on one instance, from placement to release. */
export interface Lease {
  instance: Instance;
  /** Set when this request started the instance: PullCode and InitRuntime (InitFunction comes later). */
  coldStart: Omit<InitReport, 'initFunctionMs'> | null;
}

/**
 * Places requests on instances (SPEC §2): a warm instance with spare concurrency, most recently
 * used first; else a new one while under the limits; else 429.
 */
export function createScheduler(config: SchedulerConfig) {
  config.sandbox.reapLeftovers();
  const byFunction = new Map<string, Set<Instance>>();
  const all = new Set<Instance>();

  function forget(inst: Instance) {
    all.delete(inst);
    const key = functionKey(inst.rev.service.serviceName, inst.rev.fn.config.functionName);
    byFunction.get(key)?.delete(inst);
  }

  const live = (i: Instance) => i.state !== 'Stopping' && i.state !== 'Destroyed' && i.state !== 'Failed';

  /**
   * Instances belong to one version of the function (LATEST: one revision of it); calls through any
   * qualifier that resolves to that version share the on-demand ones. Provisioned instances serve
   * the qualifier they were provisioned for, and go first (SPEC §1).
   */
  function pickWarm(rev: FunctionRevision): Instance | null {
    let best: Instance | null = null;
    const better = (i: Instance) => !best || (i.provisioned !== best.provisioned ? i.provisioned : i.lastUsedMono > best.lastUsedMono);
    for (const i of byFunction.get(functionKey(rev.service.serviceName, rev.fn.config.functionName)) ?? []) {
      if (i.draining || !live(i) || i.rev.versionId !== rev.versionId || i.rev.fn.revision !== rev.fn.revision) continue;
      if (i.provisioned && (i.rev.qualifier !== rev.qualifier || !i.ready)) continue;
      if (i.inFlight >= rev.fn.config.instanceConcurrency) continue;
      if (better(i)) best = i;
    }
    return best;
  }

  function track(inst: Instance) {
    const key = functionKey(inst.rev.service.serviceName, inst.rev.fn.config.functionName);
    all.add(inst);
    if (!byFunction.has(key)) byFunction.set(key, new Set());
    byFunction.get(key)!.add(inst);
  }

  /** At the account cap an idle instance must not block: the least recently used one makes room. */
  function reclaimLeastRecentlyUsed(): boolean {
    let lru: Instance | null = null;
    for (const i of all) {
      // Provisioned instances are kept whatever the load (they are what the user reserved).
      if (!live(i) || i.provisioned || i.inFlight > 0 || i.state === 'Starting' || i.state === 'Initializing') continue;
      if (!lru || i.lastUsedMono < lru.lastUsedMono) lru = i;
    }
    if (!lru) return false;
    // Leaves `all` at once (its slot is free now); PreStop and the stop run in the background.
    forget(lru);
    void lru.stop();
    return true;
  }

  function countLive(key: string) {
    let n = 0;
    for (const i of byFunction.get(key) ?? []) if (live(i)) n++;
    return n;
  }

  return {
    async acquire(rev: FunctionRevision, maximumInstanceCount: number | null): Promise<Lease> {
      if (maximumInstanceCount === 0) {
        throw new FcError('ResourceExhausted', `function '${rev.fn.config.functionName}' has maximumInstanceCount 0: every invocation is refused`);
      }
      const warm = pickWarm(rev);
      if (warm) {
        await warm.begin();
        if (warm.state === 'Destroyed' || warm.state === 'Failed') throw new FcError('InternalServerError', 'the instance stopped before it could take the request. Please retry.');
        return { instance: warm, coldStart: null };
      }
      const key = functionKey(rev.service.serviceName, rev.fn.config.functionName);
      if (maximumInstanceCount !== null && countLive(key) >= maximumInstanceCount) {
        throw new FcError('ResourceExhausted', `Function instance limit reached: maximumInstanceCount is ${maximumInstanceCount} for function '${rev.fn.config.functionName}' and every instance is at its concurrency limit (${rev.fn.config.instanceConcurrency})`);
      }
      if (all.size >= config.maxInstances && !reclaimLeastRecentlyUsed()) {
        throw new FcError('ResourceExhausted', `Account instance limit reached: ${config.maxInstances} instances are running and all of them are busy`);
      }
      const inst = createInstance(rev, { ...config, onGone: forget });
      track(inst);
      void inst.begin();
      const coldStart = await inst.start();
      return { instance: inst, coldStart };
    },

    /**
     * Starts one instance ahead of traffic for a provision config: code, runtime and initializer,
     * then it waits Idle and is never reclaimed for idleness. Its log says `Provisioned Report`
     * where a cold start says `Init Report` (SCF seed 003).
     */
    async provision(rev: FunctionRevision, tag: ProvisionTag): Promise<Instance> {
      if (all.size >= config.maxInstances && !reclaimLeastRecentlyUsed()) {
        throw new FcError('ResourceExhausted', `Account instance limit reached: ${config.maxInstances} instances are running and all of them are busy or provisioned`);
      }
      const inst = createInstance(rev, { ...config, onGone: forget }, tag);
      track(inst);
      void inst.begin();
      let phases: Omit<InitReport, 'initFunctionMs'>;
      try {
        phases = await inst.start();
      } catch (err) {
        inst.end(null, () => {});
        throw err;
      }
      const init = await inst.ensureInitialized();
      inst.log.system(initReportLine(newRequestId(), { ...phases, initFunctionMs: init.ms }, 'Provisioned'), null);
      inst.end(null, () => {});
      // Drained while it started (the target went down, its alias moved): it goes now.
      if (inst.draining) void inst.stop();
      if (!init.ok) {
        void inst.stop();
        throw new FcError('InternalServerError', init.timedOut ? 'the initializer timed out' : 'the initializer failed');
      }
      return inst;
    },

    /** The provisioned instances of one config (by its key), live or stopping. */
    provisionedOf: (key: string) => [...all].filter((i) => i.provision?.key === key && live(i)),

    /** Every provisioned instance the scheduler holds. */
    provisioned: () => [...all].filter((i) => i.provisioned && live(i)),

    release(lease: Lease) {
      const inst = lease.instance;
      inst.end(inst.provisioned ? null : config.idleTtlMs, () => void inst.stop());
      if (inst.draining && inst.inFlight === 0) void inst.stop();
    },

    /**
     * Update or delete: old instances finish what they have, run PreStop and go. `versionId` limits
     * it to one version's instances (an update of LATEST leaves the versions' running), and
     * `keepRevision` spares the instances of that revision.
     */
    async drain(serviceName: string, functionName: string, only: { versionId?: string; keepRevision?: number } = {}) {
      const stops: Promise<void>[] = [];
      for (const i of byFunction.get(functionKey(serviceName, functionName)) ?? []) {
        if (only.versionId !== undefined && i.rev.versionId !== only.versionId) continue;
        if (i.rev.fn.revision === only.keepRevision) continue;
        i.drain();
        stops.push(i.inFlight === 0 ? i.stop() : Promise.resolve());
      }
      await Promise.all(stops);
    },

    /** The UI's "Reclaim instances": PreStop then stop for every idle instance of the function. */
    async reclaim(serviceName: string, functionName: string) {
      const list = [...(byFunction.get(functionKey(serviceName, functionName)) ?? [])];
      for (const i of list) i.drain();
      await Promise.all(list.filter((i) => i.inFlight === 0).map((i) => i.stop()));
    },

    instancesOf(serviceName: string, functionName: string): Instance[] {
      // Stopping ones are listed too: their PreStop is still running.
      return [...(byFunction.get(functionKey(serviceName, functionName)) ?? [])].filter((i) => i.state !== 'Destroyed' && i.state !== 'Failed');
    },
    get size() {
      return all.size;
    },
    /** Every instance the scheduler holds (starting, running, frozen or stopping). */
    all: () => [...all],

    /** Shutdown: every instance gets PreStop, then is stopped. */
    async close() {
      await Promise.all([...all].map((i) => i.stop()));
    },
    now: () => performance.now(),
  };
}
export type Scheduler = ReturnType<typeof createScheduler>;
