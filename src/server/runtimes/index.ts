import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FcError } from '../errors.ts';
import { isContainerRuntime, isCustomRuntime, isNodeRuntime, type FunctionConfig } from '../../shared/function-config.ts';
import type { InstanceView, LaunchSpec } from '../instances/sandbox/index.ts';
import { nodejsLaunch, nodejsSummaryNote } from './nodejs/recipe.ts';
import { goRecipe } from './go/recipe.ts';
import { isPythonRuntime, pythonRecipe } from './python/recipe.ts';
import { containerRecipe, type PreparedRoot } from './container/recipe.ts';

export type { PreparedRoot } from './container/recipe.ts';

/** What a recipe gets to build its launch: how the instance sees things, and the host's copy of the code. */
export interface LaunchContext {
  view: InstanceView;
  env: Record<string, string>;
  /** The code as the service sees it (for checks before the start); the instance sees `view.codeDir`. */
  hostCodeDir: string;
  /** The TCP port a custom runtime listens on inside the instance (CAPort; a free one unsandboxed). */
  port: number;
  /** For runtimes that poll FC's runtime API: FC_RUNTIME_API's value, and the forward that makes it reachable. */
  runtimeApi: { address: string; forward: { port: number; socket: string } | null } | null;
  /** For runtimes that run an image: its root filesystem, ready for this instance. */
  root?: PreparedRoot | null;
}

/** A build step (Go source): made once per code checksum and `key`, before any instance starts. */
export interface CodeBuild {
  key: string;
  needed(preparedDir: string): boolean;
  /** Fills `outDir` from `sourceDir`; a CodeError's message is what the user sees (the compiler's lines). */
  run(sourceDir: string, outDir: string, cacheDir: string): Promise<void>;
}

export interface RuntimeRecipe {
  /** The built-in runtimes print FC's Start/End markers themselves. */
  printsMarkers: boolean;
  /** The Node.js bootstrap ends each call with a hidden stderr line too (log-format STDERR_END_PREFIX). */
  stderrEndLine: boolean;
  /** How the scheduler talks to it: the CA protocol, or FC's runtime API that the instance polls. */
  channel: 'ca' | 'runtime-api';
  /**
   * When its start is over: its "runtime inited." line, its server accepting, or its first poll;
   * `per-event`: nothing runs until an event comes, which starts the process (a job).
   */
  readyWhen: 'inited-line' | 'listening' | 'first-poll' | 'per-event';
  build?: CodeBuild;
  /** Runs a container image (customContainerConfig) instead of the function's code. */
  image?: boolean;
  launch(ctx: LaunchContext): Omit<LaunchSpec, 'codeDir'>;
  /** What every execution summary of `runtime` should say (InvocationRecord.warning), e.g. that another version runs it. */
  summaryNote?(runtime: string): string | null;
}

const nodejs: RuntimeRecipe = { printsMarkers: true, stderrEndLine: true, channel: 'ca', readyWhen: 'inited-line', launch: nodejsLaunch, summaryNote: nodejsSummaryNote };

function customRecipe(config: FunctionConfig): RuntimeRecipe {
  return {
    printsMarkers: false,
    stderrEndLine: false,
    channel: 'ca',
    readyWhen: 'listening',
    launch({ view, env, hostCodeDir, port }) {
      const cmd = config.customRuntimeConfig?.command ?? [];
      const args = config.customRuntimeConfig?.args ?? [];
      const listen = { kind: 'tcp' as const, port };
      // The server is the function's own code from its first line: it may connect out at once.
      const networkBeforeStart = true;
      if (cmd.length > 0) return { command: cmd[0], args: [...cmd.slice(1), ...args], env, listen, networkBeforeStart };
      checkBootstrap(join(hostCodeDir, 'bootstrap'));
      return { command: join(view.codeDir, 'bootstrap'), args, env, listen, networkBeforeStart };
    },
  };
}

/** FC's start errors for a bootstrap that cannot be executed (seeds/000 §7.3.2–7.3.3). */
function checkBootstrap(path: string) {
  if (!existsSync(path)) {
    throw new FcError('CAExited', 'The CA process either cannot be started or exited: bootstrap file not found in the code directory (expected /code/bootstrap, or set customRuntimeConfig.command)');
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new FcError('CAFilePermission', "The CA process cannot be started due to bootstrap file don't have execute permissions");
  }
  const st = statSync(path);
  // Stored before zips were checked at upload, a function may still have a directory there.
  if (st.isDirectory()) throw new FcError('CAExited', 'The CA process either cannot be started or exited: bootstrap is a directory, not an executable file');
  if (st.size > 2) {
    const head = readFileSync(path).subarray(0, 4);
    const isElf = head[0] === 0x7f && head.toString('latin1', 1, 4) === 'ELF';
    if (!isElf && head.toString('latin1', 0, 2) !== '#!') {
      // The kernel refuses such a file with ENOEXEC; FC reports that as CAExited (seeds/000 §7.3.2).
      throw new FcError('CAExited', 'The CA process either cannot be started or exited: exec user process caused "exec format error" (a shell bootstrap needs a first line like #!/bin/bash)');
    }
  }
}

export function recipeFor(config: FunctionConfig): RuntimeRecipe {
  if (isNodeRuntime(config.runtime)) return nodejs;
  if (isPythonRuntime(config.runtime)) return pythonRecipe(config.runtime);
  if (isCustomRuntime(config.runtime)) return customRecipe(config);
  if (config.runtime === 'go1') return goRecipe(config.handler);
  if (isContainerRuntime(config.runtime)) return containerRecipe(config);
  throw new FcError('InvalidArgument', `runtime '${config.runtime}' is not supported by fnplay`);
}
