import { join } from 'node:path';
import { copyTree, type CodeStore } from '../code/index.ts';
import { FcError } from '../errors.ts';
import type { SandboxedProcess } from '../instances/index.ts';
import { resolveImageUser, type ImageStore, type UnpackProgress } from '../images/index.ts';
import type { PreparedRoot, RuntimeRecipe } from '../runtimes/index.ts';
import type { FunctionRevision } from './types.ts';

// The two ends of an instance's start that do not depend on its state: which code it runs, and
// which of FC's start errors a failed start is.

/**
 * The host directory shown to the instance as its code. The sandbox shows the prepared copy
 * read-only at /code, so no copy is made; without a sandbox the function could write to it, so it
 * gets a working copy of its own. Code that must be built (Go source) runs only once built.
 */
export async function codeDirFor(rev: FunctionRevision, recipe: RuntimeRecipe, opts: { code: CodeStore; sandboxed: boolean; instanceDir: string }): Promise<string> {
  const { code, sandboxed } = opts;
  const checksum = rev.fn.codeChecksum;
  const own = join(opts.instanceDir, 'code');
  const prepared = code.preparedDir(checksum);
  const notBuilt = () => {
    const failed = rev.fn.acceleration?.status === 'Failed';
    return new FcError('CodeNotReady', failed ? `the function's code failed to build, so it cannot run: ${rev.fn.acceleration?.reason ?? ''}` : "the function's code is being prepared (built); invoke again once accelerationInfo.status is Ready");
  };
  if (!prepared) {
    // Not accelerated yet: extract for this instance alone; code that must be built waits for its build.
    await code.extractTo(checksum, own);
    if (recipe.build?.needed(own)) throw notBuilt();
    return own;
  }
  if (recipe.build?.needed(prepared)) {
    // A cold start never compiles.
    const built = code.derivedDir(checksum, recipe.build.key);
    if (!built) throw notBuilt();
    if (sandboxed) return built;
    await copyTree(built, own);
    return own;
  }
  if (sandboxed) return prepared;
  await code.materialize(checksum, own);
  return own;
}

/** FC's start errors (SPEC §2), with the reason and the tail of what the process printed. */
export async function startError(p: SandboxedProcess, o: { logs: string; port: number; loopbackOnly: boolean; sandboxed: boolean; startDeadlineMs: number }): Promise<FcError> {
  const { logs, port } = o;
  const exit = o.loopbackOnly ? null : p.exited ?? (await Promise.race([p.waitExit(), new Promise<null>((r) => setTimeout(() => r(null), 100).unref())]));
  const setup = p.setupError();
  if (setup) return new FcError('CAExited', `The CA process either cannot be started or exited: the sandbox could not be set up (${setup}). Logs : ${logs}`);
  // 126 is the shell's "found but not executable" (the sandbox's relay runs the command).
  if (exit?.spawnError?.code === 'EACCES' || exit?.code === 126) return new FcError('CAFilePermission', `The CA process cannot be started due to bootstrap file don't have execute permissions. Logs : ${logs}`);
  if (exit) {
    const how = exit.spawnError ? `${exit.spawnError.code}: ${exit.spawnError.message}` : exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
    return new FcError('CAExited', `The CA process either cannot be started or exited: ${how}. Logs : ${logs}`);
  }
  const advice = o.sandboxed
    ? `The server must listen on 0.0.0.0:${port} (the CAPort); one that listens on 127.0.0.1 only is not reachable.`
    : `The server must listen on FC_SERVER_PORT (${port}): without a sandbox, instances share the host's ports.`;
  return new FcError('FunctionNotStarted', `The CA's http server cannot be started:ContainerStartDuration:${o.startDeadlineMs * 1e6}. Ping CA failed due to: dial tcp 0.0.0.0:${port}: connect: connection refused. ${advice} Logs : ${logs}`);
}

/**
 * A container instance's root filesystem (PullCode): the image's accelerated tree when it is
 * ready (only mounted: milliseconds), else a private copy unpacked for this instance alone, as FC
 * runs the original image while its accelerated copy is prepared (seed 000 §5.6).
 */
export async function rootFor(rev: FunctionRevision, o: { images: ImageStore; sandboxed: boolean; writableLayers: boolean; instanceDir: string; onProgress?: (p: UnpackProgress) => void }): Promise<PreparedRoot> {
  const ccc = rev.fn.config.customContainerConfig!;
  if (!o.sandboxed) {
    throw new FcError('FunctionNotStarted', "custom-container functions run only in fnplay's sandbox (bubblewrap, socat), which is not available here: see the notice at the top of the page or fnplay's start output");
  }
  // Not known yet (its preparation is still pulling it): this start fetches the original image
  // itself, as FC pulls the original while the accelerated copy is made (seed 000 §5.6).
  const digest = rev.fn.imageDigest ?? (await o.images.obtain(ccc.image));
  const image = await o.images.inspect(digest);
  const accelerated = ccc.accelerationType !== 'None' && o.writableLayers ? o.images.rootfsDir(digest) : null;
  let dir = accelerated;
  if (!dir) {
    dir = join(o.instanceDir, 'rootfs');
    await o.images.unpackTo(digest, dir, o.onProgress);
  }
  const user = await resolveImageUser(dir, image.user);
  return { dir, shared: accelerated !== null, image, user };
}
