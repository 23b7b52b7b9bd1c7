import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { FcError } from '../../errors.ts';
import type { LaunchContext, RuntimeRecipe } from '../index.ts';

/** A host interpreter: its real path, and the install prefix to show in the sandbox when it lives outside /usr. */
export interface HostPython {
  binary: string;
  prefix: string | null;
}

/** Where an interpreter from outside /usr (pyenv, a tarball in $HOME) is shown inside the sandbox. */
const PYTHON_IN_SANDBOX = '/var/fc/lang/python';

const underSystemDirs = (p: string) => p.startsWith('/usr/') || p.startsWith('/bin/');

/**
 * The interpreter that runs a Python runtime: the host's own python3.X when it has the named
 * version, else its /usr python3, else the real binary behind `python3` on PATH (never a pyenv
 * shim, which costs ~80 ms a start and lives in $HOME, which the sandbox does not show).
 */
export function findHostPython(runtime: string, run = spawnSync): HostPython | null {
  const version = /^python(3\.\d+)$/.exec(runtime)?.[1];
  const fixed = [...(version ? [`/usr/bin/python${version}`, `/usr/local/bin/python${version}`] : []), '/usr/bin/python3', '/usr/local/bin/python3'];
  for (const p of fixed) if (existsSync(p)) return { binary: realpathSync(p), prefix: null };
  const r = run('python3', ['-c', 'import sys; print(sys.executable); print(sys.base_prefix)'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return null;
  const [exe, prefix] = r.stdout.trim().split('\n');
  if (!exe || !existsSync(exe)) return null;
  const binary = realpathSync(exe);
  if (underSystemDirs(binary)) return { binary, prefix: null };
  const root = prefix && binary.startsWith(`${prefix}/`) ? prefix : dirname(dirname(binary));
  return { binary, prefix: root };
}

/** The Python FC runs for each name (FC-RUNTIMES §2: `python3` is FC's Python 3.6). */
const FC_PYTHON: Record<string, string> = { python3: '3.6', 'python3.9': '3.9', 'python3.10': '3.10' };

/**
 * Said in every execution summary whose Python differs from FC's for the name (and once per
 * instance in its log, by the bootstrap): the code runs on the host's interpreter.
 */
export function pythonSummaryNote(runtime: string, host: HostPython | null): string | null {
  const local = host ? /python(\d+\.\d+)$/.exec(host.binary)?.[1] ?? null : null;
  const fc = FC_PYTHON[runtime];
  if (!fc || local === fc) return null;
  return `${runtime} runs on the local Python ${local ?? `at ${host?.binary ?? 'unknown'}`} (FC runs Python ${fc}): the language and standard library are the local ones`;
}

/** `python3`, `python3.9`, `python3.10`: bootstrap.py on the host's interpreter, found once per service. */
export function createPythonRecipe(find: (runtime: string) => HostPython | null = findHostPython): (runtime: string) => RuntimeRecipe {
  const found = new Map<string, HostPython | null>();
  const recipes = new Map<string, RuntimeRecipe>();
  const hostPython = (runtime: string) => {
    if (!found.has(runtime)) found.set(runtime, find(runtime));
    return found.get(runtime)!;
  };
  return (runtime) => {
    let recipe = recipes.get(runtime);
    if (!recipe) {
      recipe = {
        printsMarkers: true,
        stderrEndLine: true,
        channel: 'ca',
        readyWhen: 'inited-line',
        launch: (ctx) => pythonLaunch(ctx, runtime, hostPython(runtime)),
        summaryNote: () => pythonSummaryNote(runtime, hostPython(runtime)),
      };
      recipes.set(runtime, recipe);
    }
    return recipe;
  };
}

function pythonLaunch({ view, env }: LaunchContext, runtime: string, py: HostPython | null) {
  if (!py) {
    throw new FcError('CAExited', `The CA process either cannot be started or exited: ${runtime} runs on the machine's own Python 3, and none is installed (Debian: apt install python3)`);
  }
  // Inside the sandbox an interpreter from outside /usr is shown read-only at its own place, so that
  // no host path of the user's shows inside; without a sandbox it runs where it is.
  const inside = view.sandboxed && py.prefix !== null;
  const binary = inside ? `${PYTHON_IN_SANDBOX}${py.binary.slice(py.prefix!.length)}` : py.binary;
  return {
    command: binary,
    // -u: print() reaches the log as it happens (and survives os._exit); -B: /code is read-only, as on FC.
    args: ['-u', '-B', `${view.runtimesDir}/python/bootstrap.py`],
    env: { ...env, FNPLAY_CA_SOCKET: view.socketPath },
    listen: { kind: 'socket' as const },
    // The bootstrap loads the handler at the first request: the network may come up meanwhile.
    networkBeforeStart: false,
    binds: inside ? [{ host: py.prefix!, at: PYTHON_IN_SANDBOX }] : [],
  };
}

/** FC's Python 3 runtime names (python2.7 is not one of them: FC-RUNTIMES §2). */
export const isPythonRuntime = (r: string) => /^python3(\.\d+)?$/.test(r);

/** The service's Python recipes: the host interpreter is looked up on the first start of each name, then kept. */
export const pythonRecipe = createPythonRecipe();
