import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { ResponseTooLarge, type CaResponse, type InstanceChannel } from './types.ts';
import { hasControlCharacter, isHeaderName } from '../../../shared/http-syntax.ts';

// FC's runtime API (FC-RUNTIMES §0), served to one instance: the instance long-polls
// `GET /2020-11-11/runtime/invocation/next`, gets an event with its x-fc-* headers, and answers
// `POST …/{id}/response` or `…/{id}/error`. Binaries built against the public Go SDK speak
// nothing else. To the scheduler it is a channel like the CA client: a CA protocol request goes
// in, what a CA server would have answered comes out.

const PREFIX = '/2020-11-11/runtime/invocation/';
// x-fc-function-type (FC-RUNTIMES §0): what the polled event is.
const FUNCTION_TYPE: Record<string, string> = { '/invoke': '0', '/http-invoke': '0', '/initialize': '1', '/pre-stop': '2', '/pre-freeze': '3' };
const MAX_ERROR_BODY = 1024 * 1024;
// What one instance may hold open on the service (each connection is a descriptor of the service's).
const MAX_POLLS = 128;
const MAX_CONNECTIONS = 256;

interface Event {
  requestId: string;
  headers: Record<string, string>;
  body: Buffer;
  http: boolean;
  maxBody: number;
  resolve(r: CaResponse): void;
  reject(e: Error): void;
}

/** The instance went away with events in flight: the invocation path reports it as a crash. */
export class InstanceGone extends Error {}

export async function createRuntimeApiServer(listen: { socketPath: string } | { port: 0 }) {
  const waiting: Event[] = []; // events no poll has taken yet
  const polls: ServerResponse[] = []; // polls no event has come for yet
  const inFlight = new Map<string, Event>();
  let firstPoll: () => void = () => {};
  const polled = new Promise<void>((r) => (firstPoll = r));

  function dispatch(res: ServerResponse, ev: Event) {
    inFlight.set(ev.requestId, ev);
    res.writeHead(200, { 'content-type': 'application/octet-stream', ...ev.headers });
    res.end(ev.body);
  }

  function offer(ev: Event) {
    for (let res = polls.shift(); res; res = polls.shift()) {
      if (!res.destroyed) return dispatch(res, ev);
    }
    waiting.push(ev);
  }

  async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > max) throw new ResponseTooLarge(`response body exceeds ${max} bytes`);
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }

  async function answered(req: IncomingMessage, res: ServerResponse, id: string, kind: string) {
    const ev = inFlight.get(id);
    if (!ev) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errorMessage: `no invocation ${id} is waiting for an answer` }));
      return;
    }
    inFlight.delete(id);
    let body: Buffer;
    try {
      body = await readBody(req, kind === 'error' ? MAX_ERROR_BODY : ev.maxBody);
    } catch (err) {
      res.writeHead(413).end();
      return ev.reject(err as Error);
    }
    // 200, not 202: the public Go SDK treats anything else as a failed post and says so on stderr.
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"OK"}');
    if (kind === 'error') {
      return ev.resolve({ statusCode: 200, headers: { 'content-type': 'application/json', 'x-fc-status': '404', 'x-fc-error-type': 'UnhandledInvocationError' }, body });
    }
    if (!ev.http) return ev.resolve({ statusCode: 200, headers: { 'x-fc-status': '200' }, body });
    // An HTTP function's status and headers come back as base64 JSON beside the body.
    const out = parseHttpParams(req.headers['x-fc-http-params']);
    const headers: Record<string, string | string[]> = { 'x-fc-status': '200' };
    for (const [k, v] of Object.entries(out.headersMap ?? {})) {
      const name = k.toLowerCase();
      const values = Array.isArray(v) ? v.map(String) : [String(v)];
      // The function's JSON may name anything; what HTTP cannot carry is dropped, not a 500 later.
      if (!isHeaderName(name) || values.some(hasControlCharacter)) continue;
      headers[name] = name === 'set-cookie' ? values : values.join(', ');
    }
    ev.resolve({ statusCode: Number.isInteger(out.status) && out.status >= 100 && out.status < 600 ? out.status : 200, headers, body });
  }

  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${PREFIX}next`) {
      firstPoll();
      const ev = waiting.shift();
      if (ev) return dispatch(res, ev);
      // An SDK keeps one poll (or one per concurrent call) open; thousands would be the function
      // spending the service's file descriptors.
      if (polls.length >= MAX_POLLS) {
        res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify({ errorMessage: `at most ${MAX_POLLS} polls may wait at once` }));
        return;
      }
      polls.push(res);
      res.on('close', () => {
        const i = polls.indexOf(res);
        if (i >= 0) polls.splice(i, 1);
      });
      return;
    }
    const m = /^\/2020-11-11\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === 'POST' && m) return void answered(req, res, decodeURIComponent(m[1]), m[2]);
    res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ errorMessage: `${req.method} ${url} is not part of the runtime API` }));
  });
  // Polls wait for as long as the instance lives; invocations may last 24 h.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  server.keepAliveTimeout = 0;
  server.timeout = 0;
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socketPath' in listen) server.listen(listen.socketPath, () => resolve());
    else server.listen(0, '127.0.0.1', () => resolve());
  });

  function failAll(err: Error) {
    for (const ev of [...waiting.splice(0), ...inFlight.values()]) ev.reject(err);
    inFlight.clear();
  }

  const channel: InstanceChannel = {
    async request(method, path, headers, body, opts) {
      const control = headers['x-fc-control-path'] ?? path;
      const requestId = headers['x-fc-request-id'];
      const http = control === '/http-invoke';
      const evHeaders: Record<string, string> = { 'x-fc-function-type': FUNCTION_TYPE[control] ?? '0', 'x-fc-retry-count': '0' };
      for (const [k, v] of Object.entries(headers)) if (k.startsWith('x-fc-') && k !== 'x-fc-control-path') evHeaders[k] = v;
      if (http) evHeaders['x-fc-http-params'] = httpParams(method, path, headers);
      const payload = body === null ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : await readAll(body);
      return new Promise<CaResponse>((resolve, reject) => {
        const ev: Event = { requestId, headers: evHeaders, body: payload, http, maxBody: opts.maxBody, resolve, reject };
        opts.signal?.addEventListener('abort', () => {
          const i = waiting.indexOf(ev);
          if (i >= 0) waiting.splice(i, 1);
          inFlight.delete(requestId);
          reject(new DOMException('the invocation was aborted', 'AbortError'));
        }, { once: true });
        offer(ev);
      });
    },
    thawed() {},
    async close() {
      failAll(new InstanceGone('the instance is gone'));
      for (const res of polls.splice(0)) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };

  return {
    channel,
    /** Resolves at the instance's first poll: the runtime is up (the start's InitRuntime ends here). */
    polled,
    /** `host:port` for FC_RUNTIME_API when the instance shares the host's network (unsandboxed). */
    port: 'port' in listen ? (server.address() as AddressInfo).port : null,
    /** The process exited: nothing in flight will be answered. */
    processExited: () => failAll(new InstanceGone('the instance exited')),
  };
}
export type RuntimeApiServer = Awaited<ReturnType<typeof createRuntimeApiServer>>;

/** `x-fc-http-params` in: base64 JSON of the client's request (FC-RUNTIMES §0), maps of string arrays. */
function httpParams(method: string, path: string, headers: Record<string, string>): string {
  const url = new URL(path, 'http://function.local');
  const queriesMap: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (queriesMap[k] ??= []).push(v);
  const headersMap: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) if (!k.startsWith('x-fc-')) headersMap[canonical(k)] = [v];
  const params = { path: url.pathname, method, requestURI: path, clientIP: '127.0.0.1', host: headers.host ?? 'localhost', queriesMap, headersMap };
  return Buffer.from(JSON.stringify(params)).toString('base64');
}

/** Go's http.Header keys are canonical (`Content-Type`); the SDK puts them into an http.Request as given. */
const canonical = (k: string) => k.split('-').map((p) => (p ? p[0].toUpperCase() + p.slice(1).toLowerCase() : p)).join('-');

function parseHttpParams(value: string | string[] | undefined): { status: number; headersMap?: Record<string, unknown> } {
  if (typeof value !== 'string') return { status: 200 };
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    return parsed && typeof parsed === 'object' ? parsed : { status: 200 };
  } catch {
    return { status: 200 };
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}
