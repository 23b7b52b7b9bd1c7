// `fnplay image import FILE [--name REF]`: sends an image archive to a running fnplay's
// `POST /api/images/import`, streamed from disk, signed with the account's key pair as the FC
// API's clients sign (the CLI holds the keys, not the page's token). Exit codes: 0 imported,
// 1 the service refused it or could not be reached, 2 usage.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseReference } from './images/index.ts';
import { formatBytes, readKeys, UsageError } from './cli-common.ts';
import { signRequest } from './http/sign-request.ts';
import type { AccessKeys } from './http/signature.ts';
import type { ImageSummary } from '../shared/images-api.ts';

const USAGE = 'usage: fnplay image import FILE [--name REF] [--endpoint http://127.0.0.1:7070] [--data-dir ~/.fnplay]';
/** How often progress is printed when stderr is not a terminal (a log keeps every line). */
const LOG_EVERY_FRACTION = 0.1;

/** Runs `fnplay image …` (argv after `image`); resolves with the exit code. */
export async function runImageCommand(argv: string[]): Promise<number> {
  try {
    const opts = parseImageArgs(argv);
    if (!opts) {
      console.log(USAGE);
      return 0;
    }
    return await importArchive(opts);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`fnplay: ${err.message}\n${USAGE}`);
      return 2;
    }
    console.error(`fnplay: ${(err as Error).message ?? err}`);
    return 1;
  }
}

interface ImportCommand {
  file: string;
  name: string | undefined;
  endpoint: URL;
  keys: AccessKeys;
}

/** The command's options, or null for --help; a UsageError for anything else wrong. */
function parseImageArgs(argv: string[]): ImportCommand | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: 'string' },
        endpoint: { type: 'string', default: 'http://127.0.0.1:7070' },
        'data-dir': { type: 'string', default: join(homedir(), '.fnplay') },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return null;
  const [command, file, ...extra] = positionals;
  if (command !== 'import') throw new UsageError(command === undefined ? 'image needs a command' : `unknown image command '${command}'`);
  if (file === undefined) throw new UsageError('image import needs the archive FILE');
  if (extra.length > 0) throw new UsageError(`image import takes one FILE, got also ${extra.join(' ')}`);
  let endpoint: URL;
  try {
    endpoint = new URL(values.endpoint!);
  } catch {
    throw new UsageError(`--endpoint must be a URL like http://127.0.0.1:7070, got '${values.endpoint}'`);
  }
  if (endpoint.protocol !== 'http:' && endpoint.protocol !== 'https:') throw new UsageError(`--endpoint must be an http:// or https:// URL, got '${values.endpoint}'`);
  if (values.name !== undefined) {
    try {
      parseReference(values.name); // the service checks it too, but only once the archive is on its way
    } catch (err) {
      throw new UsageError(`--name: ${(err as Error).message}`);
    }
  }
  return { file: resolve(file), name: values.name, endpoint, keys: readKeys(resolve(values['data-dir']!)) };
}

async function importArchive(cmd: ImportCommand): Promise<number> {
  // 1. the file, 2. the service and the keys, 3. the upload with progress, 4. what the service says
  const st = await stat(cmd.file).catch(() => null);
  if (!st) throw new UsageError(`cannot import ${cmd.file}: no such file`);
  if (!st.isFile()) {
    throw new UsageError(`${cmd.file} is not a file; an OCI layout directory is sent as an OCI archive: tar -cf image.tar -C ${cmd.file} .`);
  }
  // A refusal answered while the body is still being sent comes with a closed connection, and the
  // client's next write can reset it before the answer is read: what can be refused without the
  // archive (keys, a service that is not there) is asked first, with a request that has no body.
  const check = await send(cmd, 'GET', '/api/info', {});
  if (check.res.statusCode !== 200) return serviceError(check.res.statusCode, check.body);
  const progress = createProgress(cmd.file, st.size);
  const query = cmd.name !== undefined ? `?${new URLSearchParams({ name: cmd.name })}` : '';
  const { res, body } = await send(cmd, 'POST', `/api/images/import${query}`, { 'content-type': 'application/octet-stream', 'content-length': String(st.size) }, { path: cmd.file, progress });
  if (res.statusCode !== 200) return serviceError(res.statusCode, body);
  const images = (body as { images?: ImageSummary[] } | null)?.images ?? [];
  for (const image of images) {
    console.log(`imported ${image.references.join(', ') || '(unnamed)'} ${image.digest}`);
    if (image.problem) console.log(`  warning: ${image.problem}`);
  }
  return 0;
}

function serviceError(status: number | undefined, body: unknown): number {
  const err = body as { ErrorCode?: string; ErrorMessage?: string } | null;
  console.error(`fnplay: ${err?.ErrorCode ?? `HTTP ${status}`}: ${err?.ErrorMessage ?? 'the service answered without an error message'}`);
  return 1;
}

type Progress = ReturnType<typeof createProgress>;

/**
 * One signed request to the service, the body streamed from a file if given; resolves with the
 * answer, which may come before the whole file went (a refusal).
 */
function send(cmd: ImportCommand, method: string, pathAndQuery: string, headers: Record<string, string>, file?: { path: string; progress: Progress }): Promise<{ res: IncomingMessage; body: unknown }> {
  const url = new URL(cmd.endpoint);
  const [path, query] = pathAndQuery.split('?');
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = query ?? '';
  const signed = signRequest(cmd.keys, method, url.pathname, headers);
  return new Promise((resolvePromise, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const stream = file ? createReadStream(file.path) : null;
    let answered = false;
    // agent: false, so that no kept-alive socket holds the process open once it is done
    const req = request(url, { method, headers: signed, agent: false }, (res) => {
      answered = true;
      if (stream) {
        stream.unpipe(req);
        stream.destroy();
      }
      file?.progress.done();
      readJson(res).then((body) => resolvePromise({ res, body }), reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A refusal answered mid-upload closes the connection: the answer already arrived.
      if (answered) return;
      stream?.destroy();
      file?.progress.done();
      const where = cmd.endpoint.origin;
      if (file && (err.code === 'EPIPE' || err.code === 'ECONNRESET')) {
        return reject(new Error(`fnplay at ${where} closed the connection during the upload, before its answer could be read (${err.code}); it may have refused the archive: see its output`));
      }
      reject(new Error(`cannot reach fnplay at ${where}: ${err.code === 'ECONNREFUSED' ? 'nothing listens there; is fnplay running?' : err.message}`));
    });
    if (!stream) return void req.end();
    stream.on('data', (chunk) => file!.progress.sent(chunk.length));
    stream.on('end', () => file!.progress.uploaded());
    stream.on('error', (err) => {
      req.destroy();
      reject(new Error(`cannot read ${file!.path}: ${err.message}`));
    });
    stream.pipe(req);
  });
}

async function readJson(res: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}

/** Bytes sent of the total on stderr: one line rewritten on a terminal, a line per tenth in a log. */
function createProgress(file: string, total: number) {
  const tty = process.stderr.isTTY === true;
  let sent = 0;
  let lastLogged = -1;
  let lastDrawn = 0;
  const line = () => `uploading ${file}: ${formatBytes(sent)} of ${formatBytes(total)} (${total === 0 ? 100 : Math.floor((sent / total) * 100)}%)`;
  return {
    sent(bytes: number) {
      sent += bytes;
      if (tty) {
        const now = Date.now();
        if (now - lastDrawn < 100 && sent < total) return;
        lastDrawn = now;
        process.stderr.write(`\r${line()}`);
      } else {
        const step = total === 0 ? 1 : Math.floor(sent / total / LOG_EVERY_FRACTION);
        if (step === lastLogged) return;
        lastLogged = step;
        process.stderr.write(`${line()}\n`);
      }
    },
    uploaded() {
      process.stderr.write(`${tty ? `\r${line()}\n` : ''}uploaded; the service is importing it…\n`);
    },
    done() {
      if (tty && sent < total) process.stderr.write('\n');
    },
  };
}
