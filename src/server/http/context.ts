import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import type { ImageStore } from '../images/index.ts';
import type { ImageGc } from '../resources/image-gc.ts';
import type { CodeStore } from '../code/index.ts';
import { DEFAULT_CODE_LIMITS } from '../code/limits.ts';
import type { LiveHub, LogBus } from '../logs/index.ts';
import type { Invoker } from '../invocations/index.ts';
import type { FunctionOps } from '../resources/function-ops.ts';
import type { Scheduler } from '../scheduler/index.ts';
import type { FunctionRecord, ServiceRecord, Store } from '../store/index.ts';
import type { AccessKeys } from './signature.ts';
import type { SandboxStatus } from '../../shared/sandbox-status.ts';
import { qualify, type Qualified, type WeightedRouter } from '../resources/qualifiers.ts';
import type { TimerTriggers } from '../resources/timer-triggers.ts';
import type { Provisioner } from '../resources/provisioner.ts';
import type { AsyncQueue } from '../invocations/index.ts';

/** Everything the routes use, made once per service start. */
export interface HttpDeps {
  store: Store;
  code: CodeStore;
  images: ImageStore;
  imageGc: ImageGc;
  bus: LogBus;
  hub: LiveHub;
  scheduler: Scheduler;
  invoker: Invoker;
  functions: FunctionOps;
  keys: AccessKeys;
  accountId: string;
  region: string;
  /** the per-start token the served page holds; required on every /api request */
  apiToken: string;
  /** hosts a request may name: the bound one, with and without the port */
  allowedHosts: Set<string>;
  maxInstances: number;
  sandbox: SandboxStatus;
  /** The durable queue of async invocations. */
  asyncQueue: AsyncQueue;
  /** Keeps provision configs' instances running. */
  provisioner: Provisioner;
  /** Splits calls through an alias with additionalVersionWeight between its versions. */
  weights: WeightedRouter;
  /** Timer triggers armed on the clock; `sync()` after every trigger write. */
  timers: TimerTriggers;
}

export { splitQualifier } from '../resources/qualifiers.ts';

export function requireService(deps: HttpDeps, name: string): ServiceRecord {
  const s = deps.store.resources.getService(name);
  if (!s) throw new FcError('ServiceNotFound', `service '${name}' does not exist`);
  return s;
}

export function requireFunction(deps: HttpDeps, serviceName: string, functionName: string): FunctionRecord {
  const f = deps.store.resources.getFunction(serviceName, functionName);
  if (!f) throw new FcError('FunctionNotFound', `function '${functionName}' does not exist in service '${serviceName}'`);
  return f;
}

/** A qualifier of the service, checked to exist (LATEST when none is given). */
export function requireQualifier(deps: HttpDeps, serviceName: string, qualifier: string | null | undefined): Qualified {
  return qualify(deps.store, serviceName, qualifier);
}

/**
 * The largest JSON body fnplay reads (FC API and /api): a function with FC's largest code zip
 * (100 MiB, sent as base64) and room for its configuration. Past it the request is refused
 * before more is read, so no body can take the service's memory.
 */
export const MAX_JSON_BODY = Math.ceil((DEFAULT_CODE_LIMITS.maxZipBytes * 4) / 3) + 1024 * 1024;

export async function jsonBody(c: Context): Promise<unknown> {
  const text = (await rawBody(c, MAX_JSON_BODY, 'request body')).toString('utf8');
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new FcError('InvalidArgument', 'the request body is not valid JSON');
  }
}

/** Reads the raw body, refusing past `max` bytes without buffering the rest (SPEC §3: 400 InvalidArgument, where FC2-API says EntityTooLarge; SPEC decides). */
type NodeEnv = { incoming?: AsyncIterable<Buffer> & { headers: Record<string, string | string[] | undefined> } } | undefined;

/**
 * The request's headers, lower-cased. Under @hono/node-server they come from Node's own parse:
 * touching `c.req.raw.headers` builds a web Headers object per request, a visible part of a warm call.
 */
export function headerRecord(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  const incoming = (c.env as NodeEnv)?.incoming;
  if (!incoming) {
    c.req.raw.headers.forEach((v, k) => (out[k] = v));
    return out;
  }
  for (const [k, v] of Object.entries(incoming.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** One request header (name lower-case), read like headerRecord. */
export function header(c: Context, name: string): string | undefined {
  const incoming = (c.env as NodeEnv)?.incoming;
  if (!incoming) return c.req.header(name);
  const v = incoming.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * How much of a refused body is read and dropped so that the client, still sending, gets the 400
 * instead of a reset connection (clients write the whole body before they read the answer).
 */
const DISCARD_LIMIT = 512 * 1024 * 1024;
const DISCARD_MS = 20_000;

export async function rawBody(c: Context, max: number, what: string): Promise<Buffer> {
  const tooLarge = () => new FcError('InvalidArgument', `${what} size exceeds maximum allowed size (${max} bytes)`);
  // Under @hono/node-server, reading the Node request itself skips building a web Request and
  // its ReadableStream, which cost a quarter of a warm invocation's own time.
  const incoming = (c.env as NodeEnv)?.incoming;
  const stream = incoming ?? c.req.raw.body;
  const len = Number(header(c, 'content-length') ?? 0);
  if (len > max) {
    if (stream && len <= max + DISCARD_LIMIT) await discard(stream as unknown as AsyncIterable<Uint8Array>, DISCARD_LIMIT);
    throw tooLarge();
  }
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  const it = (stream as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  for (let r = await it.next(); !r.done; r = await it.next()) {
    size += r.value.length;
    if (size > max) {
      await discard({ [Symbol.asyncIterator]: () => it }, DISCARD_LIMIT);
      throw tooLarge();
    }
    chunks.push(Buffer.from(r.value));
  }
  return Buffer.concat(chunks);
}

/** Reads and drops up to `limit` bytes, for at most DISCARD_MS; nothing is kept. */
async function discard(stream: AsyncIterable<Uint8Array>, limit: number) {
  let dropped = 0;
  const deadline = Date.now() + DISCARD_MS;
  try {
    for await (const chunk of stream) {
      dropped += chunk.length;
      if (dropped > limit || Date.now() > deadline) break;
    }
  } catch {
    // the client went away: nothing to answer
  }
}

export function replyJson(c: Context, body: unknown, status = 200, etag?: string) {
  if (etag) c.header('ETag', etag);
  return c.json(body as object, status as 200);
}

/** A path parameter of the matched route (always present: the route pattern names it). */
export const param = (c: Context, name: string) => c.req.param(name) ?? '';
