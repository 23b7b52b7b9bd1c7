import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFnplay } from './service.ts';
import type { SandboxMode } from './instances/index.ts';
import { ensureUiBundle } from './ui-build.ts';
import { runImageCommand } from './cli-image.ts';
import { runDeployCommand } from './cli-deploy.ts';
import { runInvokeCommand } from './cli-invoke.ts';
import { runLogsCommand } from './cli-logs.ts';

const USAGE = `usage: fnplay [--host 127.0.0.1] [--port 7070] [--data-dir ~/.fnplay] [--max-instances 300] [--idle-ttl 300] [--no-freeze] [--sandbox auto|on|off] [--host-port PORT[,PORT…]]
              [--image-size-limit standard|enterprise] [--image-grace 600] [--registry-credentials HOST=USER:PASSWORD]…
              [--async-queue-cap 100000] [--async-retry-base 1000]
         --image-size-limit: FC's limit on an image's uncompressed size, standard 3 GB (ACR Personal, Enterprise Basic) or enterprise 10 GB (ACR Enterprise Standard, Advanced)
         --image-grace: seconds an image no function uses any more keeps its disk
         --async-queue-cap: async events one function may have waiting before an accept answers 429
         --async-retry-base: milliseconds before the first retry of a failed async event (each next waits twice as long, up to 5 min)
         --registry-credentials: for pulls from HOST; FNPLAY_REGISTRY_CREDENTIALS (same form, comma-separated) keeps them out of the process list
       fnplay image import FILE [--name REF] [--endpoint URL] [--data-dir ~/.fnplay]
       fnplay deploy [-t s.yaml] [--endpoint URL] [--data-dir ~/.fnplay]
       fnplay invoke SERVICE/FUNCTION [-e EVENT | -f FILE] [--async] [--qualifier Q] [--endpoint URL] [--data-dir ~/.fnplay]
       fnplay logs SERVICE/FUNCTION [--tail] [--request-id ID] [--endpoint URL] [--data-dir ~/.fnplay]`;

/** Subcommands that talk to a running fnplay instead of starting one. */
const CLIENT_COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  image: runImageCommand,
  deploy: runDeployCommand,
  invoke: runInvokeCommand,
  logs: runLogsCommand,
};

function fail(msg: string): never {
  console.error(`fnplay: ${msg}\n${USAGE}`);
  process.exit(2);
}

function intFlag(value: string | undefined, name: string, fallback: number, min: number) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got '${value}'`);
  return n;
}

/** Keys from the environment, else a pair generated once and kept in the data dir. */
function loadKeys(dataDir: string) {
  const env = process.env;
  if (env.FNPLAY_ACCESS_KEY_ID && env.FNPLAY_ACCESS_KEY_SECRET) {
    return { accessKeyId: env.FNPLAY_ACCESS_KEY_ID, accessKeySecret: env.FNPLAY_ACCESS_KEY_SECRET, accountId: env.FNPLAY_ACCOUNT_ID ?? '1234567890', generated: false };
  }
  const file = join(dataDir, 'credentials.json');
  if (existsSync(file)) return { ...JSON.parse(readFileSync(file, 'utf8')), ...(env.FNPLAY_ACCOUNT_ID ? { accountId: env.FNPLAY_ACCOUNT_ID } : {}), generated: false };
  const keys = {
    accessKeyId: `LTAI${randomBytes(10).toString('hex')}`,
    accessKeySecret: randomBytes(20).toString('base64url'),
    accountId: env.FNPLAY_ACCOUNT_ID ?? String(1e15 + Math.floor(Math.random() * 9e15)),
  };
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return { ...keys, generated: true };
}

async function main() {
  // `fnplay image|deploy|invoke|logs …` talk to a running service instead of starting one
  const client = Object.hasOwn(CLIENT_COMMANDS, process.argv[2] ?? '') ? CLIENT_COMMANDS[process.argv[2]!] : undefined;
  if (client) {
    process.exitCode = await client(process.argv.slice(3));
    return;
  }
  let args;
  try {
    args = parseArgs({
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '7070' },
        'data-dir': { type: 'string', default: join(homedir(), '.fnplay') },
        'max-instances': { type: 'string' },
        'idle-ttl': { type: 'string' },
        'no-freeze': { type: 'boolean', default: false },
        sandbox: { type: 'string', default: 'auto' },
        'host-port': { type: 'string', multiple: true, default: [] },
        'image-size-limit': { type: 'string', default: 'standard' },
        'image-grace': { type: 'string' },
        'registry-credentials': { type: 'string', multiple: true, default: [] },
        'async-queue-cap': { type: 'string' },
        'async-retry-base': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const port = intFlag(args.port, 'port', 7070, 0);
  const sandbox = args.sandbox as SandboxMode;
  if (!['auto', 'on', 'off'].includes(sandbox)) fail(`--sandbox must be auto, on or off, got '${args.sandbox}'`);
  const hostPorts = (args['host-port'] ?? []).flatMap((v) => v.split(',')).map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`--host-port takes ports between 1 and 65535, got '${v}'`);
    if (n === port) fail(`--host-port cannot name fnplay's own port ${port}: instances must never reach the service`);
    return n;
  });
  if (port > 65535) fail(`--port must be at most 65535, got ${port}`);
  const imageSizeLimit = args['image-size-limit'] as 'standard' | 'enterprise';
  if (!['standard', 'enterprise'].includes(imageSizeLimit)) fail(`--image-size-limit must be standard (3 GB) or enterprise (10 GB), got '${args['image-size-limit']}'`);
  const registryCredentials = parseRegistryCredentials([...(process.env.FNPLAY_REGISTRY_CREDENTIALS ?? '').split(',').filter(Boolean), ...(args['registry-credentials'] ?? [])]);
  const dataDir = resolve(args['data-dir']!);
  mkdirSync(dataDir, { recursive: true });
  const keys = loadKeys(dataDir);
  const loopback = args.host === '127.0.0.1' || args.host === 'localhost' || args.host === '::1';
  if (!loopback && !process.env.FNPLAY_ACCESS_KEY_ID) fail(`binding to ${args.host} runs code for anyone who reaches it: set FNPLAY_ACCESS_KEY_ID and FNPLAY_ACCESS_KEY_SECRET first`);

  // Handlers go in before anything is printed: a SIGTERM that follows the listening line at once
  // must still stop the instances cleanly instead of killing the service with the default action.
  let fnplay: Awaited<ReturnType<typeof startFnplay>> | undefined;
  let stopSignal: string | undefined;
  const shutdown = (sig: string) => {
    if (stopSignal) return;
    stopSignal = sig;
    if (fnplay) stop(fnplay, sig);
    else console.log(`fnplay: ${sig} while starting, stopping once started…`);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  if (!process.env.FNPLAY_SKIP_UI_BUILD) await ensureUiBundle();
  fnplay = await startFnplay({
    host: args.host!, port, dataDir,
    maxInstances: intFlag(args['max-instances'], 'max-instances', 300, 1),
    idleTtlSec: intFlag(args['idle-ttl'], 'idle-ttl', 300, 1),
    keys: { accessKeyId: keys.accessKeyId, accessKeySecret: keys.accessKeySecret },
    accountId: keys.accountId,
    freeze: !args['no-freeze'],
    sandbox,
    hostPorts,
    imageSizeLimit,
    imageGraceSec: intFlag(args['image-grace'], 'image-grace', 600, 0),
    registryCredentials,
    asyncQueueCap: intFlag(args['async-queue-cap'], 'async-queue-cap', 100_000, 1),
    asyncRetryBaseMs: intFlag(args['async-retry-base'], 'async-retry-base', 1000, 1),
  });
  if (stopSignal) return stop(fnplay, stopSignal);
  for (const notice of fnplay.sandbox.notices) console.log(`fnplay: ${notice}`);
  console.log(`fnplay: custom-container images up to ${imageSizeLimit === 'enterprise' ? '10 GB' : '3 GB'} uncompressed (--image-size-limit ${imageSizeLimit}: FC's limit for ${imageSizeLimit === 'enterprise' ? 'ACR Enterprise Edition Standard and Advanced' : 'ACR Personal Edition and Enterprise Edition Basic'})`);
  if (fnplay.sandbox.kind === 'bwrap') console.log(`fnplay: one sandbox per instance (bubblewrap; cgroup ${fnplay.sandbox.cgroup}; network ${fnplay.sandbox.network})`);
  console.log(`fnplay listening on ${fnplay.url}`);
  console.log(`FC 2.0 endpoint ${fnplay.url} · accountId ${keys.accountId} · accessKeyID ${keys.accessKeyId}${keys.generated ? ` · accessKeySecret ${keys.accessKeySecret} (generated, kept in ${dataDir}/credentials.json)` : ''}`);
}

/** `HOST=USER:PASSWORD` entries by registry host; a malformed one is refused without echoing its password. */
function parseRegistryCredentials(entries: string[]): Record<string, { username: string; password: string }> {
  const out: Record<string, { username: string; password: string }> = {};
  for (const e of entries) {
    const m = /^([^=\s]+)=([^:]+):(.+)$/s.exec(e.trim());
    if (!m) fail(`registry credentials take the form HOST=USER:PASSWORD (got one for '${e.split('=')[0]}' that does not)`);
    out[m[1]] = { username: m[2], password: m[3] };
  }
  return out;
}

function stop(fnplay: { close(): Promise<void> }, sig: string) {
  console.log(`fnplay: ${sig}, stopping instances (PreStop first)…`);
  fnplay.close().then(
    () => process.exit(0),
    (err) => {
      console.error('fnplay: shutdown failed', err);
      process.exit(1);
    },
  );
}

main().catch((err) => {
  console.error('fnplay: failed to start:', err?.message ?? err);
  process.exit(1);
});
