import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goVersion, offlineGoEnv, SDK_DIR } from '../../src/server/runtimes/go/build.ts';

/** The Go toolchain's version, or null without one (build.ts asks it once). */
export const goInstalled = goVersion;

// The floors of the Go build figures: `go build` run by hand with what src/server/runtimes/go/build.ts
// gives the toolchain (offline, no cgo, linux/amd64, the SDK replaced by fnplay's own), so that
// fnplay's build differs from them only by what fnplay adds around the compiler.

const SDK_MODULE = 'github.com/aliyun/fc-runtime-go-sdk';


/**
 * A scratch dir with an empty build cache (`cache/`) and a module dir (`src/`) whose go.mod is the
 * one build.ts ends with: a plain main package requiring the SDK, replaced by fnplay's.
 */
export function goWorkspace(opts: { module?: string; sdk?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'fnplay-bench-go-'));
  const src = join(root, 'src');
  const cacheDir = join(root, 'cache');
  mkdirSync(src);
  mkdirSync(cacheDir);
  const sdk = opts.sdk ?? true;
  writeFileSync(join(src, 'go.mod'), `module ${opts.module ?? 'fnplay.local/function'}\n\ngo 1.19\n${sdk ? `\nrequire ${SDK_MODULE} v0.3.1\n\nreplace ${SDK_MODULE} => ${SDK_DIR}\n` : ''}`);
  return {
    src,
    cacheDir,
    write: (file: string, content: string) => writeFileSync(join(src, file), content),
    /** `go build` of the main package into src/main (build.ts's arguments), timed. */
    build: (out = join(src, 'main')) => timedGo(['build', '-trimpath', '-mod=mod', '-o', out, '.'], src, cacheDir),
    /** The `go mod edit` build.ts runs before each build, timed: part of fnplay's work, not the floor's. */
    modEdit: () => timedGo(['mod', 'edit', `-require=${SDK_MODULE}@v0.3.1`, `-replace=${SDK_MODULE}=${SDK_DIR}`], src, cacheDir),
    /** Empties the build cache, as a fresh data dir has it. */
    clearCache() {
      rmSync(cacheDir, { recursive: true, force: true });
      mkdirSync(cacheDir);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
export type GoWorkspace = ReturnType<typeof goWorkspace>;

/** Runs `go args` with the offline environment; resolves with its wall time in ms, rejects with its output. */
export function timedGo(args: string[], cwd: string, cacheDir: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('go', args, { cwd, env: offlineGoEnv(cacheDir), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`go ${args.join(' ')} failed (exit ${code}):\n${out.slice(-1500)}`))));
  });
}

/**
 * Reads what a build of `ws`'s module reads (the source of every package it depends on, and the
 * compiler and linker), so that the first timed build does not pay for the disk alone.
 */
export async function warmPageCache(ws: GoWorkspace): Promise<void> {
  const list = spawnSync('go', ['list', '-mod=mod', '-deps', '-f', '{{.Dir}}{{range .GoFiles}} {{.}}{{end}}', '.'], { cwd: ws.src, env: offlineGoEnv(ws.cacheDir), encoding: 'utf8' });
  if (list.status !== 0) throw new Error(`go list failed: ${list.stderr}`);
  for (const line of list.stdout.trim().split('\n')) {
    const [dir, ...files] = line.split(' ');
    for (const f of files) readFileSync(join(dir, f));
  }
  const tools = spawnSync('go', ['env', 'GOTOOLDIR'], { encoding: 'utf8' }).stdout.trim();
  for (const tool of ['compile', 'link', 'asm', 'buildid']) {
    try {
      readFileSync(join(tools, tool));
    } catch {
      // not every toolchain ships each
    }
  }
}
