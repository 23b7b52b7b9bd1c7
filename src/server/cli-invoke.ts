// `fnplay invoke SERVICE/FUNCTION [-e EVENT | -f FILE] [--async] [--qualifier Q]`: one invocation
// through the FC API, printed as `s invoke` prints it: the log tail (which ends with FC's
// `Duration: … Max Memory Used: …` line) between its markers, the instance and request id, then
// the result. An HTTP function is called through its trigger's proxy URL (--method, --path).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { InvocationRecord, LogLine } from '../shared/observe.ts';
import { connectionOf, CONNECTION_OPTIONS, errorOf, FC_API, jsonOf, parseFunctionRef, runCommand, send, UsageError, type ApiAnswer, type Connection } from './cli-common.ts';

const USAGE = `usage: fnplay invoke SERVICE/FUNCTION [-e EVENT | -f FILE] [--async] [--qualifier Q] [--endpoint http://127.0.0.1:7070] [--data-dir ~/.fnplay]
       HTTP functions: [--method GET] [--path /] [-H 'Name: value']… (-e/-f is the request body)`;

export function runInvokeCommand(argv: string[]): Promise<number> {
  return runCommand(USAGE, async () => {
    const { values, positionals } = parse(argv);
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [ref, ...extra] = positionals;
    const { serviceName, functionName } = parseFunctionRef(ref, 'invoke');
    if (extra.length > 0) throw new UsageError(`invoke takes one SERVICE/FUNCTION, got also ${extra.join(' ')}`);
    if (values.event !== undefined && values['event-file'] !== undefined) throw new UsageError('give the event with -e or -f, not both');
    const event = values['event-file'] !== undefined ? readEvent(values['event-file']) : Buffer.from(values.event ?? '');
    const headers = (values.header ?? []).map((h) => {
      const i = h.indexOf(':');
      if (i <= 0) throw new UsageError(`-H takes 'Name: value', got '${h}'`);
      return [h.slice(0, i).trim(), h.slice(i + 1).trim()] as const;
    });
    const conn = connectionOf(values);
    const target = { serviceName, functionName, qualifier: values.qualifier };
    const trigger = await httpTriggerOf(conn, target);
    if (trigger) {
      if (values.async) throw new UsageError(`${serviceName}/${functionName} is an HTTP function: FC invokes those synchronously, through their URL (drop --async)`);
      return invokeHttp(conn, target, trigger, { method: values.method ?? (event.length > 0 ? 'POST' : 'GET'), path: values.path ?? '/', headers, body: event });
    }
    if (values.method !== undefined || values.path !== undefined || headers.length > 0) {
      throw new UsageError(`--method, --path and -H are for HTTP functions; ${serviceName}/${functionName} has no HTTP trigger`);
    }
    return values.async ? invokeAsync(conn, target, event) : invokeSync(conn, target, event);
  });
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...CONNECTION_OPTIONS,
        event: { type: 'string', short: 'e' },
        'event-file': { type: 'string', short: 'f' },
        async: { type: 'boolean', default: false },
        qualifier: { type: 'string', short: 'q' },
        method: { type: 'string' },
        path: { type: 'string' },
        header: { type: 'string', short: 'H', multiple: true },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function readEvent(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (err) {
    throw new UsageError(`cannot read the event file ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

interface Target {
  serviceName: string;
  functionName: string;
  qualifier: string | undefined;
}

const serviceSegment = (t: Target) => encodeURIComponent(t.qualifier ? `${t.serviceName}.${t.qualifier}` : t.serviceName);

/** The function's HTTP trigger for the qualifier invoked, if it has one; FC's FunctionNotFound if there is no function. */
async function httpTriggerOf(conn: Connection, t: Target) {
  const path = `${FC_API}/services/${encodeURIComponent(t.serviceName)}/functions/${encodeURIComponent(t.functionName)}`;
  const list = jsonOf<{ triggers: { triggerName: string; triggerType: string; qualifier?: string | null; triggerConfig: { authType: string } }[] }>(await send(conn, 'GET', `${path}/triggers`));
  const qualifier = t.qualifier ?? 'LATEST';
  return list.triggers.find((tr) => tr.triggerType === 'http' && (tr.qualifier || 'LATEST') === qualifier) ?? null;
}

async function invokeSync(conn: Connection, t: Target, event: Buffer): Promise<number> {
  const answer = await send(conn, 'POST', `${FC_API}/services/${serviceSegment(t)}/functions/${encodeURIComponent(t.functionName)}/invocations`, {
    headers: { 'content-type': 'application/octet-stream', 'x-fc-invocation-type': 'Sync', 'x-fc-log-type': 'Tail' },
    body: event,
  });
  if (!isInvocationResult(answer)) throw errorOf(answer);
  await printInvocation(conn, answer);
  console.log('FC Invoke Result:');
  console.log(answer.body.toString('utf8'));
  return functionOutcome(answer);
}

async function invokeAsync(conn: Connection, t: Target, event: Buffer): Promise<number> {
  const answer = await send(conn, 'POST', `${FC_API}/services/${serviceSegment(t)}/functions/${encodeURIComponent(t.functionName)}/invocations`, {
    headers: { 'content-type': 'application/octet-stream', 'x-fc-invocation-type': 'Async' },
    body: event,
  });
  if (answer.status !== 202) throw errorOf(answer);
  const requestId = String(answer.headers['x-fc-request-id'] ?? '');
  console.log(`✔ ${t.serviceName}/${t.functionName} async invoke accepted (202)`);
  console.log(`RequestId: ${requestId}`);
  console.log(`Its logs: fnplay logs ${t.serviceName}/${t.functionName} --request-id ${requestId}`);
  return 0;
}

async function invokeHttp(conn: Connection, t: Target, trigger: { triggerName: string }, req: { method: string; path: string; headers: (readonly [string, string])[]; body: Buffer }): Promise<number> {
  const base = `${FC_API}/proxy/${serviceSegment(t)}/${encodeURIComponent(t.functionName)}`;
  const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
  console.log(`${t.serviceName}/${t.functionName} is an HTTP function (trigger ${trigger.triggerName}): calling ${req.method} ${conn.endpoint.origin}${base}${path}`);
  const answer = await send(conn, req.method.toUpperCase(), `${base}${path}`, {
    headers: { ...Object.fromEntries(req.headers), 'x-fc-log-type': 'Tail' },
    body: req.body.length > 0 ? req.body : undefined,
    signQuery: true,
  });
  if (!isInvocationResult(answer)) throw errorOf(answer);
  await printInvocation(conn, answer);
  console.log(`FC Invoke Result: HTTP ${answer.status}`);
  for (const [k, v] of Object.entries(answer.headers)) if (!k.startsWith('x-fc-') && v !== undefined) console.log(`${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
  console.log('');
  console.log(answer.body.toString('utf8'));
  return functionOutcome(answer);
}

/** An answer of the function (or FC's error for it), not of the platform: it carries the code checksum. */
const isInvocationResult = (a: ApiAnswer) => a.headers['x-fc-code-checksum'] !== undefined;

/** 1 when the function failed (FC answers 200 with x-fc-error-type for an event function), else 0. */
function functionOutcome(a: ApiAnswer): number {
  const errorType = a.headers['x-fc-error-type'];
  if (errorType === undefined) return 0;
  console.error(`fnplay: the function failed (${errorType})`);
  return 1;
}

/**
 * The log tail between `s invoke`'s markers, then the instance and ids. The tail is FC's
 * x-fc-log-result (the last 4 KB); where FC does not give it (an anonymous HTTP trigger) the
 * request's lines are read from the service's log.
 */
async function printInvocation(conn: Connection, answer: ApiAnswer) {
  const requestId = String(answer.headers['x-fc-request-id'] ?? '');
  const encoded = answer.headers['x-fc-log-result'];
  let tail = typeof encoded === 'string' ? Buffer.from(encoded, 'base64').toString('utf8') : null;
  if (tail === null) {
    const { lines } = jsonOf<{ lines: LogLine[] }>(await send(conn, 'GET', `/api/logs?${new URLSearchParams({ requestId, limit: '200' })}`));
    tail = lines.map((l) => `${l.text}\n`).join('');
  }
  const record = await send(conn, 'GET', `/api/invocations/${encodeURIComponent(requestId)}`);
  const rec = record.status === 200 ? (JSON.parse(record.body.toString('utf8')) as InvocationRecord) : null;
  console.log('========= FC invoke Logs begin =========');
  process.stdout.write(tail.endsWith('\n') || tail === '' ? tail : `${tail}\n`);
  console.log('========= FC invoke Logs end =========');
  console.log('');
  if (rec?.instanceId) console.log(`FC Invoke instanceId: ${rec.instanceId}${rec.coldStart ? ' (cold start)' : ''}`);
  console.log(`Code Checksum: ${answer.headers['x-fc-code-checksum']}`);
  console.log(`Qualifier: ${rec?.qualifier ?? 'LATEST'}`);
  console.log(`RequestId: ${requestId}`);
  console.log('');
}
