import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeError, copyTree } from '../../code/index.ts';
import { isElf } from './executable.ts';

// Go source in a function's code is built by fnplay as its acceleration step (SPEC §4, §6):
// offline (no module proxy), against fnplay's own implementation of the SDK's public API under
// the SDK's module path, for linux/amd64 without cgo, as FC's go1 runs binaries.

/** fnplay's implementation of github.com/aliyun/fc-runtime-go-sdk (its own Go module). */
export const SDK_DIR = join(dirname(fileURLToPath(import.meta.url)), 'sdk');
const SDK_MODULE = 'github.com/aliyun/fc-runtime-go-sdk';
const BUILD_TIMEOUT_MS = 5 * 60_000;
const MAX_OUTPUT = 16 * 1024;

/** The Go toolchain's version (`go1.19.8`), or null without one; asked once. */
export const goVersion = (() => {
  let known: string | null | undefined;
  return (): string | null => {
    if (known === undefined) {
      const r = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8', timeout: 20_000 });
      known = r.status === 0 ? r.stdout.trim() : null;
    }
    return known;
  };
})();

/** Source to build: Go files or a go.mod at the root, and no prebuilt executable where the handler points. */
export function needsBuild(dir: string, handler: string): boolean {
  const exe = join(dir, handler);
  if (existsSync(exe) && isElf(exe)) return false;
  try {
    return readdirSync(dir).some((f) => f.endsWith('.go') || f === 'go.mod');
  } catch {
    return false;
  }
}

/**
 * Builds the `main` package at the root of `sourceDir` into `outDir` (a copy of the tree plus the
 * executable at `handler`). A failure is a CodeError holding the compiler's output.
 */
export async function buildGo(sourceDir: string, outDir: string, opts: { handler: string; cacheDir: string }): Promise<void> {
  if (!goVersion()) throw new CodeError('Go is not installed on this machine, so Go source cannot be built (Debian: apt install golang-go); a prebuilt linux/amd64 binary named by the handler runs without it');
  await copyTree(sourceDir, outDir);
  const vendored = existsSync(join(outDir, 'vendor', 'modules.txt'));
  // 1. the module: a go.mod of the user's, or one made for a plain main package
  const gomod = join(outDir, 'go.mod');
  if (!existsSync(gomod)) {
    writeFileSync(gomod, `module fnplay.local/function\n\ngo 1.19\n\nrequire ${SDK_MODULE} v0.3.1\n`);
  } else {
    // Newer Go writes `go 1.21.0` and `toolchain` lines, which older toolchains refuse to read.
    writeFileSync(gomod, readFileSync(gomod, 'utf8').replace(/^go (\d+\.\d+)\.\d+\s*$/m, 'go $1').replace(/^toolchain .*$/m, ''));
  }
  // 2. the SDK resolves to fnplay's own, unless the user vendored one (then theirs is used)
  if (!vendored) {
    await run('go', ['mod', 'edit', `-require=${SDK_MODULE}@v0.3.1`, `-replace=${SDK_MODULE}=${SDK_DIR}`], outDir, opts.cacheDir);
  }
  // 3. build, offline
  // -trimpath: panic paths relative to the module, as on FC; -buildvcs=false: code may sit in a git checkout.
  const args = ['build', '-trimpath', '-buildvcs=false', vendored ? '-mod=vendor' : '-mod=mod', '-o', join(outDir, opts.handler), '.'];
  await run('go', args, outDir, opts.cacheDir);
}

/** The environment of every go command fnplay runs: offline, linux/amd64 without cgo, caches under `cacheDir`. */
export function offlineGoEnv(cacheDir: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: cacheDir,
    GOCACHE: join(cacheDir, 'build'),
    GOPATH: join(cacheDir, 'path'),
    GOMODCACHE: join(cacheDir, 'mod'),
    GOPROXY: 'off',
    GOSUMDB: 'off',
    GOFLAGS: '',
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
    GOOS: 'linux',
    GOARCH: 'amd64',
  };
}

function run(cmd: string, args: string[], cwd: string, cacheDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: offlineGoEnv(cacheDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const take = (c: Buffer) => {
      if (out.length < MAX_OUTPUT) out += c.toString('utf8');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.on('error', (err) => reject(new CodeError(`go could not be run: ${err.message}`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = signal ? `go ${args[0]} was stopped after ${BUILD_TIMEOUT_MS / 60_000} minutes` : `go ${args[0]} failed`;
      reject(new CodeError(`${why}:\n${out.trim().replaceAll(cwd + '/', '')}`));
    });
  });
}
