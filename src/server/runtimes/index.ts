import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FcError } from '../errors.ts';
import { isCustomRuntime, isNodeRuntime, type FunctionConfig } from '../../shared/function-config.ts';
import type { LaunchSpec } from '../instances/index.ts';

const NODE_BOOTSTRAP = join(dirname(fileURLToPath(import.meta.url)), 'nodejs', 'bootstrap.cjs');

export interface RuntimeRecipe {
  /** The built-in runtimes print FC's Start/End markers and the "runtime inited." line themselves. */
  printsMarkers: boolean;
  launch(codeDir: string, env: Record<string, string>): LaunchSpec;
}

const nodejs: RuntimeRecipe = {
  printsMarkers: true,
  launch: (codeDir, env) => ({ command: process.execPath, args: [NODE_BOOTSTRAP], cwd: codeDir, env }),
};

function customRecipe(config: FunctionConfig): RuntimeRecipe {
  return {
    printsMarkers: false,
    launch(codeDir, env) {
      const cmd = config.customRuntimeConfig?.command ?? [];
      const args = config.customRuntimeConfig?.args ?? [];
      if (cmd.length > 0) return { command: cmd[0], args: [...cmd.slice(1), ...args], cwd: codeDir, env };
      const bootstrap = join(codeDir, 'bootstrap');
      checkBootstrap(bootstrap);
      return { command: bootstrap, args, cwd: codeDir, env };
    },
  };
}

/** FC's start errors for a bootstrap that cannot be executed (seeds/000 §7.3.2–7.3.3). */
function checkBootstrap(path: string) {
  if (!existsSync(path)) {
    throw new FcError('CAExited', `The CA process either cannot be started or exited: bootstrap file not found in the code directory (expected ${path}, or set customRuntimeConfig.command)`);
  }
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new FcError('CAFilePermission', "The CA process cannot be started due to bootstrap file don't have execute permissions");
  }
  if (statSync(path).size > 2) {
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
  if (isCustomRuntime(config.runtime)) return customRecipe(config);
  throw new FcError('InvalidArgument', `runtime '${config.runtime}' is not supported by fnplay`);
}
