// skopeo and umoci run as children in their own process groups, each in its work dir, and are
// recorded under `<store>/tmp/jobs/<pid>` while they run: a service killed with SIGKILL leaves
// them running (they would go on writing into a work dir nobody will rename), so the next store
// on that dir kills each recorded group whose leader still works where it was started.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FcError } from '../errors.ts';

export interface ToolResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last 64 KB of stderr: enough for the error, bounded for a chatty tool. */
  stderr: string;
}

export interface ToolRun {
  pid: number;
  done: Promise<ToolResult>;
  kill(): void;
}

export interface ToolOptions {
  cwd: string;
  jobsDir: string;
  onStderr?: (chunk: string) => void;
  signal?: AbortSignal;
}

const STDERR_KEEP = 64 * 1024;
const INSTALL_ADVICE: Record<string, string> = {
  skopeo: 'images cannot be imported or pulled (Debian: apt install skopeo)',
  umoci: 'images cannot be unpacked (Debian: apt install umoci)',
};

export function runTool(bin: string, args: string[], opts: ToolOptions): ToolRun {
  const child = spawn(bin, args, { cwd: opts.cwd, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: toolEnv() });
  const record = child.pid ? join(opts.jobsDir, String(child.pid)) : null;
  if (record) {
    mkdirSync(opts.jobsDir, { recursive: true });
    writeFileSync(record, opts.cwd);
  }
  const kill = () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const onAbort = () => kill();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
    opts.onStderr?.(chunk);
  });
  const done = new Promise<ToolResult>((resolve, reject) => {
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        const name = bin.split('/').pop() ?? bin;
        reject(new FcError('InvalidArgument', `${name} is not installed on this machine, so ${INSTALL_ADVICE[name] ?? 'this cannot be done'}`));
      } else reject(err);
    });
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  }).finally(() => {
    opts.signal?.removeEventListener('abort', onAbort);
    if (record) rmSync(record, { force: true });
  });
  return { pid: child.pid ?? -1, done, kill };
}

/** Kills what a dead store left running (see the top of this file); returns how many. */
export function reapTools(jobsDir: string): number {
  let reaped = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync(jobsDir);
  } catch {
    return 0;
  }
  for (const name of entries) {
    const pid = Number(name);
    try {
      const cwd = readFileSync(join(jobsDir, name), 'utf8');
      // A recycled pid works somewhere else and is left alone.
      if (pid > 0 && readlinkSync(`/proc/${pid}/cwd`) === cwd) {
        process.kill(-pid, 'SIGKILL');
        reaped++;
      }
    } catch {
      // gone already
    }
  }
  return reaped;
}

// The tools need little of the service's environment, and nothing of it should reach a registry
// by accident; HOME and XDG_RUNTIME_DIR stay so that `docker login` / `podman login` credentials
// (auth.json) are found as the user expects.
function toolEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'XDG_RUNTIME_DIR', 'REGISTRY_AUTH_FILE', 'DOCKER_CONFIG', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) {
    if (process.env[key] !== undefined) env[key] = process.env[key];
  }
  return env;
}
