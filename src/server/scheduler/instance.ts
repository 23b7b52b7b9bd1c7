import { randomBytes, randomUUID } from 'node:crypto';
import { newRequestId } from '../request-id.ts';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { FcError } from '../errors.ts';
import { allocatePort, createCaClient, createJobChannel, createRuntimeApiServer, IN_SANDBOX, recordPid, waitForListen, type CaResponse, type ExitInfo, type InstanceChannel, type RuntimeApiServer, type Sandbox, type SandboxedProcess } from '../instances/index.ts';
import { createInstanceLog, type LiveHub, type LogBus } from '../logs/index.ts';
import { recipeFor } from '../runtimes/index.ts';
import type { CodeStore } from '../code/index.ts';
import { removeImageTree, type ImageStore } from '../images/index.ts';
import type { PreparedRoot } from '../runtimes/index.ts';
import { systemLine } from '../../shared/log-format.ts';
import type { InstanceInfo, InstanceState } from '../../shared/observe.ts';
import { commonHeaders, instanceEnv } from './instance-headers.ts';
import { codeDirFor, rootFor, startError } from './instance-start.ts';
import { layersFor } from './layer-tree.ts';
import type { FunctionRevision, InitReport } from './types.ts';

export interface InstanceDeps {
  code: CodeStore;
  images: ImageStore;
  bus: LogBus;
  hub: LiveHub;
  sandbox: Sandbox;
  startDeadlineMs: number;
  freeze: boolean;
  /** Called once the instance is Destroyed or Failed, so the scheduler forgets it. */
  onGone: (inst: Instance) => void;
}

/** Why an instance was killed while serving; the invocation turns it into FC's message. */
export type KillReason = 'timeout' | 'memory' | 'initializer-timeout' | 'unreachable' | null;

const MEMORY_SAMPLE_MS = 50;
const STOP_GRACE_MS = 2000;
const MAX_RESPONSE = 16 * 1024 * 1024;
/** FC's runtime API inside a sandbox: 127.0.0.1:9001, forwarded to this socket in the run dir. */
const RUNTIME_API_PORT = 9001;
const RUNTIME_API_SOCKET = 'runtime-api.sock';
/** What instance-init.sh prints when the server listens on 127.0.0.1 only. */
const LOOPBACK_ONLY_HINT = 'fnplay: the server listens on 127.0.0.1:';

// Allowed transitions of the lifecycle (SPEC §2). Every change goes through setState.
const NEXT: Record<InstanceState, InstanceState[]> = {
  Starting: ['Initializing', 'Idle', 'Busy', 'Stopping', 'Failed', 'Destroyed'],
  Initializing: ['Idle', 'Busy', 'Stopping', 'Failed', 'Destroyed'],
  Idle: ['Busy', 'Frozen', 'Initializing', 'Stopping', 'Destroyed'],
  Busy: ['Idle', 'Initializing', 'Stopping', 'Destroyed'],
  Frozen: ['Idle', 'Busy', 'Stopping', 'Destroyed'],
  Stopping: ['Destroyed'],
  Destroyed: [],
  Failed: [],
};

/** A provisioned instance's tie to its config: `key` names the config (service#qualifier#function). */
export interface ProvisionTag {
  key: string;
  /** FC's alwaysAllocateCPU (default true): the instance keeps its CPU between calls, so it is never frozen. */
  alwaysAllocateCPU: boolean;
}

/** `provision`: started ahead of traffic for a provision config (SPEC §1), not by a request. */
export function createInstance(rev: FunctionRevision, deps: InstanceDeps, provision: ProvisionTag | null = null) {
  const provisioned = provision !== null;
  const id = `c-${randomUUID()}`;
  const config = rev.fn.config;
  const recipe = recipeFor(config);
  const dirs = deps.sandbox.dirsFor(id);
  const dir = dirs.dir;
  const creds = { accessKeyId: `STS.fnplay${randomBytes(8).toString('hex')}`, accessKeySecret: randomBytes(20).toString('base64url'), securityToken: randomBytes(32).toString('base64url') };
  const startedAt = new Date().toISOString();

  let state: InstanceState = 'Starting';
  let inFlight = 0; // requests placed here, including those waiting for the start
  const active = new Set<string>(); // requests currently being served by the process
  let lastUsedAt: string | null = null;
  let lastUsedMono = performance.now();
  let proc: SandboxedProcess | null = null;
  let ca: InstanceChannel | null = null;
  let runtimeApi: RuntimeApiServer | null = null;
  let initialized = !config.initializer;
  let initRun: Promise<InitOutcome> | null = null;
  let freezing: Promise<void> | null = null;
  let killReason: KillReason = null;
  let memoryTimer: NodeJS.Timeout | null = null;
  let sampledPeak = 0; // highest tree RSS seen by the sampler: what a crash report can still tell
  let idleTimer: NodeJS.Timeout | null = null;
  let draining = false;
  let stopping: Promise<void> | null = null;
  let ownRoot: string | null = null; // a private image tree (unaccelerated start): may hold read-only dirs

  const log = createInstanceLog({
    bus: deps.bus,
    base: { serviceName: rev.service.serviceName, functionName: config.functionName, qualifier: rev.qualifier, instanceId: id },
    soleRequest: () => (active.size === 1 ? [...active][0] : null),
    onInited: () => notifyInited(),
  });
  let notifyInited = () => {};

  function info(): InstanceInfo {
    return { instanceId: id, serviceName: rev.service.serviceName, functionName: config.functionName, qualifier: rev.qualifier, versionId: rev.versionId, revision: String(rev.fn.revision), provisioned, state, inFlight, concurrency: config.instanceConcurrency, pid: proc?.pid ?? null, startedAt, lastUsedAt };
  }

  function setState(next: InstanceState) {
    if (state === next) return;
    if (!NEXT[state].includes(next)) return; // e.g. a late Idle after Stopping began: the stop wins
    state = next;
    deps.hub.publish({ type: 'instance', instance: info() });
    if (next === 'Destroyed' || next === 'Failed') deps.onGone(self);
  }

  // 1. code, 2. process until it listens. Returns the PullCode and InitRuntime phases.
  let started: Promise<Omit<InitReport, 'initFunctionMs'>> | null = null;
  function start() {
    started ??= startSteps().then(
      (phases) => {
        setState('Busy');
        return phases;
      },
      async (err) => {
        await destroy('Failed');
        throw err;
      },
    );
    return started;
  }

  async function startSteps(): Promise<Omit<InitReport, 'initFunctionMs'>> {
    const t0 = performance.now();
    // 1. code (instance-start.ts: the prepared or built tree, or a copy of it without a sandbox)
    await mkdir(dir, { recursive: true });
    const sandboxed = deps.sandbox.status.kind !== 'none';
    let root: PreparedRoot | null = null;
    let hostCodeDir: string;
    if (recipe.image) {
      root = await rootFor(rev, { images: deps.images, sandboxed, writableLayers: deps.sandbox.writableLayers, instanceDir: dir });
      ownRoot = root.shared ? null : root.dir;
      hostCodeDir = root.dir;
    } else {
      hostCodeDir = await codeDirFor(rev, recipe, { code: deps.code, sandboxed, instanceDir: dir });
    }
    const layers = await layersFor(deps.code, config, sandboxed);
    const t1 = performance.now();

    // 2. the sandbox, until the server answers
    const view = deps.sandbox.view(dirs, hostCodeDir);
    // In its own network namespace a custom runtime listens on its CAPort, as on FC; without one, on a free port.
    const port = sandboxed ? config.caPort : await allocatePort();
    // A runtime that polls FC's runtime API gets its server before it starts: on a socket the
    // sandbox forwards to 127.0.0.1:9001 inside, or on a free loopback port without a sandbox.
    if (recipe.channel === 'runtime-api') runtimeApi = await mkdir(dirs.runDir, { recursive: true }).then(() => createRuntimeApiServer(sandboxed ? { socketPath: join(dirs.runDir, RUNTIME_API_SOCKET) } : { port: 0 }));
    const apiAddress = runtimeApi
      ? sandboxed
        ? { address: `127.0.0.1:${RUNTIME_API_PORT}`, forward: { port: RUNTIME_API_PORT, socket: `${IN_SANDBOX.run}/${RUNTIME_API_SOCKET}` } }
        : { address: `127.0.0.1:${runtimeApi.port}`, forward: null }
      : null;
    const spec = layers.apply({ ...recipe.launch({ view, env: instanceEnv(rev, id, view, port, layers.dir), hostCodeDir, port, runtimeApi: apiAddress, root }), codeDir: hostCodeDir });
    if (layers.note) log.system(layers.note, null, 'warn');
    const output: string[] = [];
    let inited = false;
    // The built-in runtimes print "runtime inited." once listening: no polling needed for them.
    const initedLine = new Promise<void>((resolve) => (notifyInited = resolve));
    // A server that answers on 127.0.0.1 only will never be reached (instance-init.sh says so):
    // FC would wait out the start deadline; fnplay fails the start at once with FC's error.
    let loopbackOnly = false;
    const launch = (extraEnv: Record<string, string>) => {
      const p = deps.sandbox.launch({ ...spec, env: { ...spec.env, ...extraEnv } }, { memoryMB: config.memorySize, internetAccess: rev.service.internetAccess !== false }, dirs, (stream, chunk) => {
        if (!inited && output.length < 200) {
          const text = chunk.toString('utf8');
          output.push(text);
          if (text.includes(LOOPBACK_ONLY_HINT)) loopbackOnly = true;
        }
        log.feed(stream, chunk);
      });
      proc = p;
      if (p.pid) recordPid(dir, p.pid);
      p.onExit((e) => onProcessExit(e));
      return p;
    };
    if (recipe.readyWhen === 'per-event') {
      // A job (a container in non-web-server mode) starts with each event, which its environment carries.
      inited = true;
      ca = createJobChannel((event) => launch({ FC_CUSTOM_CONTAINER_EVENT: event }).waitExit());
      return { pullCodeMs: t1 - t0, initRuntimeMs: performance.now() - t1 };
    }
    const p = launch({});
    ca = runtimeApi ? runtimeApi.channel : createCaClient(p.address, config.instanceConcurrency);
    const deadline = Date.now() + deps.startDeadlineMs;
    const api = runtimeApi;
    const within = (signal: Promise<unknown>) => Promise.race([signal.then(() => true), p.waitExit().then(() => false), sleep(deps.startDeadlineMs).then(() => false)]);
    const up =
      recipe.readyWhen === 'inited-line' ? within(initedLine)
      : recipe.readyWhen === 'first-poll' ? within(api!.polled).then((ok) => (ok && log.system(systemLine.runtimeInited(config.runtime), null), ok))
      : waitForListen(p.address, () => p.exited !== null || loopbackOnly, deadline);
    // The server's start and the sandbox's network (when it may come up meanwhile) run side by side.
    const [listening] = await Promise.all([up, p.ready]);
    inited = true;
    if (!listening) throw await startError(p, { logs: output.join('').slice(-2048), port, loopbackOnly, sandboxed, startDeadlineMs: deps.startDeadlineMs });
    return { pullCodeMs: t1 - t0, initRuntimeMs: performance.now() - t1 };
  }

  function onProcessExit(e: ExitInfo) {
    // The kernel's OOM killer acted (the cgroup's limit): FC's memory message, as for the sampler's kill.
    if (!killReason && proc?.memory.oomKilled()) killReason = 'memory';
    runtimeApi?.processExited();
    log.close();
    deps.bus.instanceGone(id);
    stopMemoryWatch();
    if (state !== 'Stopping' && state !== 'Destroyed' && state !== 'Failed') {
      if (e.code !== 0 || e.signal) log.system(`Instance ${id} exited unexpectedly (${e.signal ?? `code ${e.code}`})`, null, 'error');
      void destroy('Destroyed');
    }
  }

  type InitOutcome = { ok: true; ms: number } | { ok: false; ms: number; response: CaResponse | null; timedOut: boolean };

  /** The initializer succeeds exactly once per instance; a failure leaves it for the next request to retry. */
  function ensureInitialized(): Promise<InitOutcome> {
    if (initialized) return Promise.resolve({ ok: true, ms: 0 });
    if (!initRun) {
      initRun = runInitializer().finally(() => (initRun = null));
    }
    return initRun;
  }

  async function runInitializer(): Promise<InitOutcome> {
    const requestId = newRequestId();
    setState('Initializing');
    const t0 = performance.now();
    const r = await hook('/initialize', 'POST', 'Initialize', requestId, config.initializationTimeout * 1000);
    const ms = performance.now() - t0;
    if (r.timedOut) {
      killReason = 'initializer-timeout';
      await destroy('Destroyed');
      return { ok: false, ms, response: null, timedOut: true };
    }
    if (r.response && isSuccess(r.response)) {
      initialized = true;
      setState(inFlight > 0 ? 'Busy' : 'Idle');
      return { ok: true, ms };
    }
    setState(inFlight > 0 ? 'Busy' : 'Idle');
    return { ok: false, ms, response: r.response, timedOut: false };
  }

  /** Calls a lifecycle endpoint, bounded by its timeout. Built-in runtimes print their own Start/End lines. */
  async function hook(path: string, method: string, phase: 'Initialize' | 'PreFreeze' | 'PreStop', requestId: string, timeoutMs: number) {
    if (!recipe.printsMarkers) log.system(`FC ${phase} Start RequestId: ${requestId}`, requestId);
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    active.add(requestId);
    try {
      const headers = commonHeaders(rev, creds, requestId, path, Date.now() + timeoutMs);
      const response = await ca!.request(method, path, headers, null, { maxBody: MAX_RESPONSE, signal: ac.signal });
      if (recipe.printsMarkers) await log.waitEnd(phase, requestId, 200, recipe.stderrEndLine);
      else log.system(`FC ${phase} End RequestId: ${requestId}${isSuccess(response) ? '' : ', Error: Unhandled function error'}`, requestId);
      return { response, timedOut: false };
    } catch {
      if (!recipe.printsMarkers || ac.signal.aborted) log.system(`FC ${phase} End RequestId: ${requestId}, Error: ${ac.signal.aborted ? `${phase} timed out after ${timeoutMs / 1000} seconds` : 'the instance did not answer'}`, requestId, 'error');
      return { response: null, timedOut: ac.signal.aborted };
    } finally {
      clearTimeout(timer);
      active.delete(requestId);
    }
  }

  /** One invocation on the process; `signal` aborts it (timeout). */
  async function call(requestId: string, method: string, path: string, headers: Record<string, string>, body: Buffer | Readable | null, controlPath: string, signal: AbortSignal): Promise<CaResponse> {
    active.add(requestId);
    startMemoryWatch();
    try {
      const h = { ...headers, ...commonHeaders(rev, creds, requestId, controlPath, Date.now() + config.timeout * 1000, headers) };
      const res = await ca!.request(method, path, h, body, { maxBody: MAX_RESPONSE, signal });
      if (recipe.printsMarkers) await log.waitEnd('Invoke', requestId, 200, recipe.stderrEndLine);
      return res;
    } finally {
      active.delete(requestId);
      if (active.size === 0) stopMemoryWatch();
    }
  }

  function startMemoryWatch() {
    if (memoryTimer) return;
    const limit = config.memorySize * 1024 * 1024;
    memoryTimer = setInterval(() => {
      if (!proc || proc.exited) return;
      const rss = proc.memory.current();
      if (rss > sampledPeak) sampledPeak = rss;
      if (rss > limit) {
        killReason = 'memory';
        proc.kill();
      }
    }, MEMORY_SAMPLE_MS);
    memoryTimer.unref();
  }

  function stopMemoryWatch() {
    if (memoryTimer) clearInterval(memoryTimer);
    memoryTimer = null;
  }

  /** A request is placed here: stop the idle clock and make sure the process runs. */
  async function begin() {
    inFlight++;
    lastUsedMono = performance.now();
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = null;
    // A request placed on an instance that is still starting waits for it (and shares its start error).
    if (started && state === 'Starting') await started;
    if (freezing) await freezing;
    if (state === 'Frozen') {
      proc?.thaw();
      ca?.thawed();
    }
    if (state === 'Idle' || state === 'Frozen') setState('Busy');
  }

  /**
   * A request is done. After the last one: PreFreeze once, then freeze; and start the idle clock.
   * `idleTtlMs` null: never reclaimed for idleness (a provisioned instance).
   */
  function end(idleTtlMs: number | null, onIdleTimeout: () => void) {
    inFlight--;
    lastUsedAt = new Date().toISOString();
    lastUsedMono = performance.now();
    if (inFlight > 0 || state === 'Stopping' || state === 'Destroyed' || state === 'Failed') return;
    setState('Idle');
    if (idleTtlMs !== null) {
      idleTimer = setTimeout(onIdleTimeout, idleTtlMs);
      idleTimer.unref();
    }
    // A provisioned instance with alwaysAllocateCPU keeps running between calls (background work goes on).
    if (!deps.freeze || provision?.alwaysAllocateCPU) return;
    freezing = freezeNow().finally(() => (freezing = null));
  }

  async function freezeNow() {
    const h = config.instanceLifecycleConfig.preFreeze;
    if (h.handler && initialized) await hook('/pre-freeze', 'GET', 'PreFreeze', newRequestId(), h.timeout * 1000);
    // FC freezes right after the last request (and PreFreeze); a grace here would let background
    // timers run, which users rely on not happening.
    if (inFlight === 0 && state === 'Idle') {
      await proc?.freeze();
      // A request placed meanwhile waits for this freeze (begin awaits `freezing`) and thaws it.
      setState('Frozen');
    }
  }

  /** PreStop, then SIGTERM and SIGKILL after a grace; used for idle reclaim, updates and shutdown. */
  function stop(): Promise<void> {
    if (!stopping) stopping = doStop();
    return stopping;
  }

  async function doStop() {
    if (idleTimer) clearTimeout(idleTimer);
    if (freezing) await freezing;
    const wasFrozen = state === 'Frozen';
    setState('Stopping');
    // 1. thaw
    if (wasFrozen) {
      proc?.thaw();
      ca?.thawed();
    }
    // 2. PreStop, bounded by its timeout
    const h = config.instanceLifecycleConfig.preStop;
    if (h.handler && proc && !proc.exited) await hook('/pre-stop', 'GET', 'PreStop', newRequestId(), h.timeout * 1000);
    // 3. SIGTERM, SIGKILL after the grace
    await destroy('Destroyed');
  }

  async function destroy(final: 'Destroyed' | 'Failed') {
    if (idleTimer) clearTimeout(idleTimer);
    stopMemoryWatch();
    if (proc) await proc.stop(STOP_GRACE_MS);
    await ca?.close();
    setState(final);
    if (ownRoot) await removeImageTree(ownRoot).catch(() => {});
    await Promise.all([dir, dirs.runDir].map((d) => rm(d, { recursive: true, force: true }).catch(() => {})));
  }

  const self = {
    id,
    rev,
    provisioned,
    provision,
    /** Started, initialized and taking requests (what a provision config's `current` counts). */
    get ready() {
      return initialized && (state === 'Idle' || state === 'Busy' || state === 'Frozen');
    },
    recipe,
    log,
    get state() {
      return state;
    },
    get inFlight() {
      return inFlight;
    },
    get lastUsedMono() {
      return lastUsedMono;
    },
    get draining() {
      return draining;
    },
    get sampledPeak() {
      return sampledPeak;
    },
    get killReason() {
      return killReason;
    },
    get pid() {
      return proc?.pid ?? null;
    },
    /** The instance's memory counters (cgroup or /proc), null before the start. */
    get memory() {
      return proc?.memory ?? null;
    },
    get exited() {
      return proc?.exited ?? null;
    },
    waitExit: () => proc?.waitExit() ?? Promise.resolve(null),
    info,
    start,
    ensureInitialized,
    call,
    begin,
    end,
    stop,
    /** Stops taking requests; stops once the in-flight ones end. */
    drain() {
      draining = true;
      if (inFlight === 0) void stop();
    },
    /** Kills at once (timeout): everything in flight fails. */
    kill(reason: KillReason) {
      killReason = reason;
      proc?.kill();
    },
    setBusy: () => setState('Busy'),
  };
  return self;
}
export type Instance = ReturnType<typeof createInstance>;

export const isSuccess = (r: CaResponse) => {
  const s = r.headers['x-fc-status'];
  return s !== undefined ? String(s) === '200' : r.statusCode >= 200 && r.statusCode < 300;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
