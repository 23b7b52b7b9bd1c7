// What the client commands (`fnplay deploy`, `invoke`, `logs`) share: the endpoint and keys they
// are given, one signed request to the running service, and how an outcome becomes an exit code
// (0 done, 1 the service refused or could not be reached, 2 usage or a bad s.yaml).
import { existsSync, readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { signRequest } from './http/sign-request.ts';
import { sign, stringToSign, type AccessKeys } from './http/signature.ts';

/** The FC 2.0 API's path prefix. */
export const FC_API = '/2016-08-15';

/** Wrong use of the command: exit 2, with the usage. */
export class UsageError extends Error {}

/** A file the command reads is wrong (a bad s.yaml): exit 2, with what is wrong and no usage. */
export class InputError extends Error {}

/** The service answered with an FC error: printed as `ErrorCode: ErrorMessage`, exit 1. */
export class FcApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorMessage: string,
  ) {
    super(`${errorCode}: ${errorMessage}`);
  }
}

/** The parseArgs options every client command takes. */
export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string', default: 'http://127.0.0.1:7070' },
  'data-dir': { type: 'string', default: join(homedir(), '.fnplay') },
  help: { type: 'boolean', default: false },
} as const;

export interface Connection {
  endpoint: URL;
  keys: AccessKeys;
}

export function connectionOf(values: { endpoint?: string; 'data-dir'?: string }): Connection {
  return { endpoint: parseEndpoint(values.endpoint!), keys: readKeys(resolve(values['data-dir']!)) };
}

export function parseEndpoint(value: string): URL {
  let endpoint: URL;
  try {
    endpoint = new URL(value);
  } catch {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:7070, got '${value}'`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new UsageError(`--endpoint must be an http:// or https:// URL, got '${value}'`);
  return endpoint;
}

/** The keys the service checks: from the environment (as the service takes them), else the data dir's credentials.json. */
export function readKeys(dataDir: string): AccessKeys {
  const env = process.env;
  if (env.FNPLAY_ACCESS_KEY_ID && env.FNPLAY_ACCESS_KEY_SECRET) return { accessKeyId: env.FNPLAY_ACCESS_KEY_ID, accessKeySecret: env.FNPLAY_ACCESS_KEY_SECRET };
  const file = join(dataDir, 'credentials.json');
  if (!existsSync(file)) {
    throw new UsageError(`no access keys: set FNPLAY_ACCESS_KEY_ID and FNPLAY_ACCESS_KEY_SECRET, or give the --data-dir of the running fnplay (${file} does not exist)`);
  }
  let keys: Partial<AccessKeys>;
  try {
    keys = JSON.parse(readFileSync(file, 'utf8')) as Partial<AccessKeys>;
  } catch (err) {
    throw new UsageError(`cannot read the access keys in ${file}: ${(err as Error).message}`);
  }
  if (typeof keys.accessKeyId !== 'string' || typeof keys.accessKeySecret !== 'string') throw new UsageError(`${file} has no accessKeyId and accessKeySecret`);
  return { accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret };
}

/** `SERVICE/FUNCTION` as the commands take it; a qualifier goes in --qualifier. */
export function parseFunctionRef(ref: string | undefined, command: string): { serviceName: string; functionName: string } {
  if (ref === undefined) throw new UsageError(`${command} needs SERVICE/FUNCTION`);
  const m = /^([^/\s]+)\/([^/\s]+)$/.exec(ref);
  if (!m) throw new UsageError(`${command} takes SERVICE/FUNCTION, got '${ref}'`);
  return { serviceName: m[1]!, functionName: m[2]! };
}

export interface ApiAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface SendOptions {
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Called as the body goes out, with bytes sent so far (bodies over a MiB are sent in chunks). */
  onSent?: (sent: number, total: number) => void;
  /** Sign the query too, as FC signs requests to the HTTP trigger proxy. */
  signQuery?: boolean;
}

/** One request to the service, signed with the account's keys as the FC API's clients sign. */
export function send(conn: Connection, method: string, pathAndQuery: string, opts: SendOptions = {}): Promise<ApiAnswer> {
  const url = new URL(conn.endpoint);
  const q = pathAndQuery.indexOf('?');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)}`;
  url.search = q < 0 ? '' : pathAndQuery.slice(q);
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  const headers = { ...(opts.headers ?? {}), ...(body ? { 'content-length': String(body.length) } : {}) };
  let signed: Record<string, string>;
  if (opts.signQuery) {
    signed = { ...headers, date: new Date().toUTCString() };
    const query = [...url.searchParams.entries()];
    signed.authorization = `FC ${conn.keys.accessKeyId}:${sign(conn.keys.accessKeySecret, stringToSign(method, url.pathname, signed, query))}`;
  } else {
    signed = signRequest(conn.keys, method, url.pathname, headers);
  }
  return new Promise((resolvePromise, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // agent: false, so that no kept-alive socket holds the process open once it is done
    const req = request(url, { method, headers: signed, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(`cannot reach fnplay at ${conn.endpoint.origin}: ${err.code === 'ECONNREFUSED' ? 'nothing listens there; is fnplay running?' : err.message}`));
    });
    if (!body) return void req.end();
    writeBody(req, body, opts.onSent);
  });
}

const CHUNK = 1 << 20;

function writeBody(req: NodeJS.WritableStream, body: Buffer, onSent?: (sent: number, total: number) => void) {
  if (!onSent || body.length <= CHUNK) {
    req.end(body);
    return;
  }
  let sent = 0;
  const next = () => {
    while (sent < body.length) {
      const chunk = body.subarray(sent, sent + CHUNK);
      sent += chunk.length;
      onSent(sent, body.length);
      if (sent >= body.length) return void req.end(chunk);
      if (!req.write(chunk)) return void req.once('drain', next);
    }
  };
  next();
}

/** The answer's JSON; an FcApiError for an answer that is not 2xx. */
export function jsonOf<T>(answer: ApiAnswer): T {
  if (answer.status >= 300) throw errorOf(answer);
  try {
    return (answer.body.length ? JSON.parse(answer.body.toString('utf8')) : null) as T;
  } catch {
    throw new Error(`fnplay answered ${answer.status} with a body that is not JSON`);
  }
}

/** FC's error body as an FcApiError (or the status, for an answer without one). */
export function errorOf(answer: ApiAnswer): FcApiError {
  let parsed: { ErrorCode?: unknown; ErrorMessage?: unknown } | null = null;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    // not FC's error shape
  }
  if (parsed && typeof parsed.ErrorCode === 'string') return new FcApiError(answer.status, parsed.ErrorCode, String(parsed.ErrorMessage ?? ''));
  return new FcApiError(answer.status, `HTTP ${answer.status}`, answer.body.toString('utf8').slice(0, 500) || 'the service answered without an error message');
}

/** Runs a command, turning what it throws into a message on stderr and an exit code. */
export async function runCommand(usage: string, command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`fnplay: ${err.message}\n${usage}`);
      return 2;
    }
    if (err instanceof InputError) {
      console.error(`fnplay: ${err.message}`);
      return 2;
    }
    console.error(`fnplay: ${(err as Error).message ?? err}`);
    return 1;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/**
 * Progress of one step on stderr: a line rewritten on a terminal, a line per quarter in a log.
 * `update(fraction)`; `done()` ends the line.
 */
export function progressLine(label: () => string) {
  const tty = process.stderr.isTTY === true;
  let lastStep = -1;
  let lastDrawn = 0;
  let drawn = false;
  return {
    update(fraction: number) {
      const pct = Math.floor(Math.min(1, fraction) * 100);
      if (tty) {
        const now = Date.now();
        if (now - lastDrawn < 100 && pct < 100) return;
        lastDrawn = now;
        drawn = true;
        process.stderr.write(`\r${label()} ${pct}%`);
      } else {
        const step = Math.floor(pct / 25);
        if (step === lastStep) return;
        lastStep = step;
        process.stderr.write(`${label()} ${pct}%\n`);
      }
    },
    done() {
      if (tty && drawn) process.stderr.write('\n');
    },
  };
}
