import { FcError } from '../../errors.ts';
import type { ImageInfo, ImageUser } from '../../images/index.ts';
import { parseJsonWords, type FunctionConfig } from '../../../shared/function-config.ts';
import type { LaunchContext, RuntimeRecipe } from '../index.ts';

/** An image's root filesystem made ready for one instance (instance-start.ts rootFor). */
export interface PreparedRoot {
  dir: string;
  /** The accelerated tree every instance shares (else a private copy unpacked for this instance). */
  shared: boolean;
  image: ImageInfo;
  user: ImageUser;
}

// Docker's default when an image sets no PATH.
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * `custom-container`: the function is an OCI image whose server speaks the custom runtime's
 * protocol on CAPort (seed 000 §5). Its root filesystem comes from the image store (acceleration:
 * the tree unpacked once per digest); the sandbox runs it as the whole file system.
 */
export function containerRecipe(config: FunctionConfig): RuntimeRecipe {
  // webServerMode false: no server; the container runs once per event (FC_CUSTOM_CONTAINER_EVENT) and must exit 0.
  const job = config.customContainerConfig?.webServerMode === false;
  return {
    printsMarkers: false,
    stderrEndLine: false,
    channel: 'ca',
    readyWhen: job ? 'per-event' : 'listening',
    image: true,
    launch({ env, port, root }: LaunchContext) {
      if (!root) throw new Error('a container instance needs its root filesystem');
      const argv = containerArgv(config, root.image);
      const imageEnv = Object.fromEntries(root.image.env.map((e) => [e.slice(0, e.indexOf('=') < 0 ? e.length : e.indexOf('=')), e.includes('=') ? e.slice(e.indexOf('=') + 1) : '']));
      return {
        command: argv[0],
        args: argv.slice(1),
        // Docker's order: the image's Env, then what the platform sets; the function's variables win over both.
        env: {
          PATH: imageEnv.PATH ?? DEFAULT_PATH,
          HOME: root.user.home ?? '/',
          ...imageEnv,
          ...containerFcEnv(env),
          ...config.environmentVariables,
        },
        listen: job ? { kind: 'none' as const } : { kind: 'tcp' as const, port },
        // The server is the image's own code from its first line: it may connect out at once.
        networkBeforeStart: true,
        root: { dir: root.dir, shared: root.shared, uid: root.user.uid, gid: root.user.gid, workingDir: root.image.workingDir || '/' },
      };
    },
  };
}

/** FC's variables, without the ones that describe fnplay's own layout (the image has no /code of ours). */
function containerFcEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('FC_') && k !== 'FC_FUNC_CODE_PATH') out[k] = v;
  return out;
}

/**
 * What the container runs, as FC (and Kubernetes) decide it: `command` replaces the image's
 * ENTRYPOINT and then the image's CMD is dropped; `args` replaces CMD.
 */
export function containerArgv(config: FunctionConfig, image: ImageInfo): string[] {
  const ccc = config.customContainerConfig!;
  const command = words(ccc.command, 'command');
  const args = words(ccc.args, 'args');
  const entrypoint = command.length ? command : image.entrypoint ?? [];
  const cmd = ccc.args.trim() !== '' ? args : command.length ? [] : image.cmd ?? [];
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) {
    throw new FcError('CAExited', `The CA process either cannot be started or exited: image ${image.references[0] ?? image.digest} has no ENTRYPOINT or CMD; set customContainerConfig.command (a JSON array, like ["/server"])`);
  }
  return argv;
}

function words(s: string, field: string): string[] {
  const w = parseJsonWords(s);
  if (typeof w === 'string') throw new FcError('InvalidArgument', `customContainerConfig.${field} ${w}`);
  return w;
}
