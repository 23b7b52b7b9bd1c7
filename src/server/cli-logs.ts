// `fnplay logs SERVICE/FUNCTION [--tail] [--request-id ID]`: a function's log lines as FC writes
// them, read from the running service's store (`GET /api/logs`, signed with the account's keys);
// --tail then follows new lines, asking every 500 ms for those after the last one, until stopped.
import { parseArgs } from 'node:util';
import type { LogLine } from '../shared/observe.ts';
import { connectionOf, CONNECTION_OPTIONS, jsonOf, parseFunctionRef, runCommand, send, UsageError, type Connection } from './cli-common.ts';

const USAGE = 'usage: fnplay logs SERVICE/FUNCTION [--tail] [--request-id ID] [--limit 100] [--endpoint http://127.0.0.1:7070] [--data-dir ~/.fnplay]';
const POLL_MS = 500;
/** The most lines the service answers at once. */
const MAX_LIMIT = 10_000;

export function runLogsCommand(argv: string[]): Promise<number> {
  return runCommand(USAGE, async () => {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: { ...CONNECTION_OPTIONS, tail: { type: 'boolean', default: false }, 'request-id': { type: 'string' }, limit: { type: 'string' } },
      });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const [ref, ...extra] = positionals;
    const fn = parseFunctionRef(ref, 'logs');
    if (extra.length > 0) throw new UsageError(`logs takes one SERVICE/FUNCTION, got also ${extra.join(' ')}`);
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new UsageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, got '${values.limit}'`);
    const conn = connectionOf(values);
    const query = { service: fn.serviceName, function: fn.functionName, ...(values['request-id'] !== undefined ? { requestId: values['request-id'] } : {}) };
    await checkFunction(conn, fn.serviceName, fn.functionName);
    let last = print(await fetchLines(conn, { ...query, limit: String(limit) }), 0);
    if (!values.tail) return 0;
    return follow(conn, query, last);
  });
}

/** FC's FunctionNotFound or ServiceNotFound for a name that is not deployed, instead of printing nothing. */
async function checkFunction(conn: Connection, serviceName: string, functionName: string) {
  jsonOf(await send(conn, 'GET', `/2016-08-15/services/${encodeURIComponent(serviceName)}/functions/${encodeURIComponent(functionName)}`));
}

async function fetchLines(conn: Connection, query: Record<string, string>): Promise<LogLine[]> {
  return jsonOf<{ lines: LogLine[] }>(await send(conn, 'GET', `/api/logs?${new URLSearchParams(query)}`)).lines;
}

/** Prints the lines, as FC wrote them; returns the id of the last one (or `after` if none). */
function print(lines: LogLine[], after: number): number {
  if (lines.length > 0) process.stdout.write(lines.map((l) => `${l.text}\n`).join(''));
  return lines.at(-1)?.id ?? after;
}

/** Polls for lines after the last one until SIGINT or SIGTERM; exits 0 then. */
function follow(conn: Connection, query: Record<string, string>, last: number): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolvePromise(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    const poll = async () => {
      try {
        // all the lines since the last one, a page at a time
        for (;;) {
          const lines = await fetchLines(conn, { ...query, afterId: String(last), limit: String(MAX_LIMIT) });
          if (stopped) return;
          last = print(lines, last);
          if (lines.length < MAX_LIMIT) break;
        }
        timer = setTimeout(poll, POLL_MS);
      } catch (err) {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        reject(err);
      }
    };
    timer = setTimeout(poll, POLL_MS);
  });
}
