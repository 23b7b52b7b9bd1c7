import { randomBytes, randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { FcError } from './errors.ts';
import { mkdirSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import { createCodeStore } from './code/index.ts';
import { createHttpApp } from './http/app.ts';
import { createAsyncQueue, createInvoker } from './invocations/index.ts';
import { destinationTarget, effectiveAsyncConfig, functionArn } from './resources/async-destinations.ts';
import { newRequestId } from './request-id.ts';
import { createLiveHub, createLogBus } from './logs/index.ts';
import { createFunctionOps } from './resources/function-ops.ts';
import { createImagePreparation } from './resources/image-preparation.ts';
import { createLayerCatalog } from './resources/layers.ts';
import { createImageGc, DEFAULT_IMAGE_GRACE_MS } from './resources/image-gc.ts';
import { createImageStore, FC_IMAGE_SIZE_LIMITS, type Credentials } from './images/index.ts';
import { createSandbox, startHostPortForwarders, type SandboxMode } from './instances/index.ts';
import { createScheduler } from './scheduler/index.ts';
import { createWeightedRouter } from './resources/qualifiers.ts';
import { createProvisioner } from './resources/provisioner.ts';
import { openStore } from './store/index.ts';
import { createTimerTriggers } from './resources/timer-triggers.ts';
import type { TimerClock } from './resources/timer-clock.ts';
import { revisionOf } from './http/fc-invoke.ts';
import type { HttpDeps } from './http/context.ts';
import type { AccessKeys } from './http/signature.ts';

export interface FnplayConfig {
  host: string;
  port: number;
  dataDir: string;
  maxInstances: number;
  idleTtlSec: number;
  keys: AccessKeys;
  accountId: string;
  region?: string;
  startDeadlineSec?: number;
  /** Freeze idle instances (SIGSTOP) as FC does; off only for measuring what freezing costs. */
  freeze?: boolean;
  maxStoredLogLines?: number;
  /** Text bytes of log the store keeps (oldest lines go first; invocation records are never dropped). */
  maxStoredLogBytes?: number;
  /** `auto` (default): bubblewrap when it works; `on`: refuse to start without it; `off`: never. */
  sandbox?: SandboxMode;
  /** Host loopback ports instances may reach at 127.0.0.1:P (a local database); never the service's own. */
  hostPorts?: number[];
  /** Credentials for pulling custom-container images, by registry host; never logged. */
  registryCredentials?: Record<string, Credentials>;
  /** FC's limit on an image's uncompressed size: 3 GB (ACR Personal, Enterprise Basic) unless 10 GB (Enterprise Standard/Advanced) is asked for. */
  imageSizeLimit?: 'standard' | 'enterprise';
  /** Seconds an image no function uses any more keeps its disk (default 600). */
  imageGraceSec?: number;
  /** Async events a function may have waiting before an accept answers 429 (SPEC §3: 100,000). */
  asyncQueueCap?: number;
  /** The first retry of a failed async event waits this long; each next one twice as long. */
  asyncRetryBaseMs?: number;
  /** The clock timer triggers fire on (default the system's); tests pass a manual one. */
  timerClock?: TimerClock;
}

/** The whole service, wired: store → code, logs → scheduler → invocations → HTTP. */
export async function startFnplay(cfg: FnplayConfig) {
  mkdirSync(cfg.dataDir, { recursive: true });
  const store = openStore(join(cfg.dataDir, 'fnplay.db'), { maxStoredLogLines: cfg.maxStoredLogLines ?? 1_000_000, maxStoredLogBytes: cfg.maxStoredLogBytes ?? 256 * 1024 * 1024 });
  const code = createCodeStore({ dir: join(cfg.dataDir, 'code') });
  const hub = createLiveHub();
  const bus = createLogBus({ records: store.records, hub });
  if (cfg.hostPorts?.includes(cfg.port)) throw new Error(`--host-port cannot name fnplay's own port ${cfg.port}`);
  const forwarders = await startHostPortForwarders(join(cfg.dataDir, 'host-ports'), cfg.hostPorts ?? []);
  const sandbox = createSandbox({ mode: cfg.sandbox ?? 'auto', dataDir: cfg.dataDir, hostPorts: forwarders });
  const images = createImageStore({ dir: join(cfg.dataDir, 'images'), maxUncompressedBytes: FC_IMAGE_SIZE_LIMITS[cfg.imageSizeLimit ?? 'standard'], credentials: cfg.registryCredentials });
  const scheduler = createScheduler({
    code, images, bus, hub, sandbox, maxInstances: cfg.maxInstances, idleTtlMs: cfg.idleTtlSec * 1000,
    startDeadlineMs: (cfg.startDeadlineSec ?? 120) * 1000, freeze: cfg.freeze ?? true,
  });
  const invoker = createInvoker({ scheduler, records: store.records, bus, hub });
  // A change to a function is a change to LATEST: a version's instances keep running its code.
  const provisioner = createProvisioner({ store, scheduler, region: cfg.region ?? 'cn-hangzhou', accountId: cfg.accountId });
  const onChanged = (service: string, fn: string, revision: number) => {
    void scheduler.drain(service, fn, { versionId: 'LATEST', keepRevision: revision });
    // LATEST's provisioned instances are replaced by ones of the new revision.
    provisioner.kick();
  };
  const imageGc = createImageGc({
    repo: store.resources, versionFunctions: store.releases.allVersionFunctions, images, hub, graceMs: cfg.imageGraceSec !== undefined ? cfg.imageGraceSec * 1000 : DEFAULT_IMAGE_GRACE_MS,
    runningDigests: () => scheduler.all().flatMap((i) => (i.rev.fn.imageDigest ? [i.rev.fn.imageDigest] : [])),
  });
  const imagePreparation = createImagePreparation({
    repo: store.resources, images, hub,
    onReady: (service, fn, revision) => {
      onChanged(service, fn, revision);
      // the image it replaced may be unused now: its grace starts
      void imageGc.sweep();
    },
  });
  const layers = createLayerCatalog({ repo: store.layers, code, region: cfg.region ?? 'cn-hangzhou', accountId: cfg.accountId });
  const functions = createFunctionOps({ repo: store.resources, code, hub, images: imagePreparation, layers, onChanged });
  functions.resumePreparation();

  const apiToken = randomBytes(24).toString('base64url');
  const allowedHosts = new Set<string>();
  const timers = createTimerTriggers({ clock: cfg.timerClock });
  const region = cfg.region ?? 'cn-hangzhou';
  const asyncQueue = createAsyncQueue({
    events: store.asyncEvents, invoker, hub,
    // Resolved when the event runs: an alias may have moved since it was accepted.
    resolve: (service, qualifier, fn) => revisionOf(httpDeps, qualifier === 'LATEST' ? service : `${service}.${qualifier}`, fn),
    configOf: (service, qualifier, fn) => effectiveAsyncConfig(store, service, qualifier, fn),
    functionArn: (serviceName, qualifier, functionName) => functionArn(region, cfg.accountId, { serviceName, qualifier, functionName }),
    toDestination: (arn, record, cause) => {
      const t = destinationTarget(arn);
      const requestId = newRequestId();
      try {
        if (t) asyncQueue.accept({ ...t, requestId, invocationId: requestId, payload: Buffer.from(JSON.stringify(record)), headers: {}, stateful: false, origin: 'destination' });
      } catch (err) {
        // The destination's queue is full: the record is lost, and its function's log says so.
        bus.emit({
          time: new Date().toISOString(), serviceName: cause.serviceName, functionName: cause.functionName, qualifier: cause.qualifier, instanceId: null, requestId: cause.requestId,
          level: 'error', source: 'system', text: `the destination record of async invocation ${cause.requestId} could not be sent to ${arn}: ${(err as Error).message}`,
        });
      }
    },
    limitOf: (service, qualifier, fn) => {
      const cap = store.resources.getOnDemand(service, qualifier, fn)?.maximumInstanceCount;
      if (cap === undefined) return Infinity;
      // At 0 every call is refused: one at a time keeps trying (throttled, never failed) until the cap is raised.
      return Math.max(1, cap * (store.resources.getFunction(service, fn)?.config.instanceConcurrency ?? 1));
    },
    maxQueuedPerFunction: cfg.asyncQueueCap ?? 100_000,
    retryBaseMs: cfg.asyncRetryBaseMs ?? 1000,
  });
  const httpDeps: HttpDeps = {
    store, code, images, imageGc, bus, hub, scheduler, invoker, functions, keys: cfg.keys, accountId: cfg.accountId,
    region: cfg.region ?? 'cn-hangzhou', weights: createWeightedRouter(), provisioner, asyncQueue, apiToken, allowedHosts, maxInstances: cfg.maxInstances, sandbox: sandbox.status, timers,
  };
  const app = createHttpApp(httpDeps);
  // Every event accepted before a stop (or a kill -9) is queued again.
  asyncQueue.recover();
  timers.start({ store, queue: asyncQueue, bus });
  const server = createAdaptorServer({ fetch: app.fetch, hostname: cfg.host });
  // What Node's parser refuses (bad request line or header bytes, headers over its limit) never
  // reaches the app: answer it here, in FC's shape, instead of Node's bare 400 / 431.
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const fc = new FcError('InvalidArgument', err.code === 'HPE_HEADER_OVERFLOW' ? 'request headers exceed the size fnplay accepts' : `the request is not valid HTTP (${err.code ?? err.message})`);
    const body = JSON.stringify(fc.toBody());
    socket.end(`HTTP/1.1 ${fc.status} Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-fc-request-id: ${randomUUID()}\r\nconnection: close\r\n\r\n${body}`);
  });
  // Invocations may last up to 24 h: no request timeout on our side either.
  server.setTimeout?.(0);
  // Idle keep-alive connections are closed by the client first: Node's own agent (axios, the SDK)
  // drops idle sockets after 5 s, the same as Node's server default, and a request sent on a
  // socket the server closes at that moment fails with ECONNRESET. 65 s as load balancers use.
  const httpServer = server as unknown as { keepAliveTimeout: number; headersTimeout: number };
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (cfg.hostPorts?.includes(port)) {
    // A port picked by the kernel (--port 0) that the user also named: instances would reach the service.
    await new Promise((r) => server.close(r));
    await forwarders.close();
    throw new Error(`--host-port ${port} is the port fnplay is listening on: instances must never reach the service`);
  }
  for (const h of hostNamesFor(cfg.host)) {
    allowedHosts.add(h);
    allowedHosts.add(`${h}:${port}`);
  }
  const url = `http://${cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host}:${port}`;

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    apiToken,
    sandbox: sandbox.status,
    scheduler,
    provisioner,
    /** Timer triggers; tests await `settled()` after moving their clock. */
    timers,
    store,
    images,
    /** Every instance gets PreStop and is stopped; then the store is closed. */
    close() {
      closing ??= (async () => {
        await new Promise<void>((r) => {
          server.close(() => r());
          (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        });
        const timersStopped = timers.close();
        const asyncStopped = asyncQueue.close();
        provisioner.close();
        await scheduler.close();
        await timersStopped; // the firings under way ended with their instances
        await asyncStopped;
        imageGc.close();
        images.close();
        sandbox.close();
        await forwarders.close();
        store.close();
      })();
      return closing;
    },
  };
}
export type Fnplay = Awaited<ReturnType<typeof startFnplay>>;

/** Names a request's Host may carry for this bind address (the fc2 SDK sends the host without the port). */
function hostNamesFor(host: string): string[] {
  if (host === '127.0.0.1' || host === 'localhost') return ['127.0.0.1', 'localhost'];
  if (host === '::1') return ['[::1]', 'localhost'];
  if (host === '0.0.0.0' || host === '::') {
    // Bound everywhere: every address of this machine is a name it may be reached by.
    const addrs = Object.values(networkInterfaces()).flat().filter((a) => a !== undefined).map((a) => (a.family === 'IPv6' ? `[${a.address}]` : a.address));
    return ['localhost', ...addrs];
  }
  return [host.includes(':') ? `[${host}]` : host];
}
