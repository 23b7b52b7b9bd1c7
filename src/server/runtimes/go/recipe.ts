import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { join, posix } from 'node:path';
import { FcError } from '../../errors.ts';
import type { LaunchContext, RuntimeRecipe } from '../index.ts';
import { buildGo, goVersion, needsBuild } from './build.ts';
import { foreignExecutable } from './executable.ts';

/**
 * `go1`: the handler names a linux/amd64 executable in the code (`main`, `bin/main`), built by
 * fnplay when the code is Go source. It polls FC's runtime API, which the scheduler serves to it.
 */
export function goRecipe(handler: string): RuntimeRecipe {
  return {
    printsMarkers: true, // the SDK prints FC's Start/End lines itself
    stderrEndLine: false,
    channel: 'runtime-api',
    readyWhen: 'first-poll',
    build: { key: `go-${goVersion() ?? 'none'}-linux-amd64`, needed: (dir) => needsBuild(dir, handler), run: (src, out, cacheDir) => buildGo(src, out, { handler, cacheDir }) },
    launch({ view, env, hostCodeDir, runtimeApi }: LaunchContext) {
      const exe = executableIn(hostCodeDir, handler);
      const foreign = foreignExecutable(join(hostCodeDir, exe));
      if (foreign) {
        throw new FcError('CAExited', `The CA process either cannot be started or exited: ${posix.join('/code', exe)} is ${foreign}; FC's go1 runs linux/amd64 binaries (build with GOOS=linux GOARCH=amd64 CGO_ENABLED=0)`);
      }
      return {
        command: posix.join(view.codeDir, exe),
        args: [],
        env: { ...env, FC_RUNTIME_API: runtimeApi!.address },
        listen: { kind: 'polls' as const },
        forwards: runtimeApi!.forward ? [runtimeApi!.forward] : [],
        // A Go program's init() runs first thing: it may connect out at once.
        networkBeforeStart: true,
      };
    },
  };
}

/** The handler's executable, or the `bootstrap` entry `build-fc-zip` writes beside it. */
function executableIn(dir: string, handler: string): string {
  const clean = posix.normalize(handler).replace(/^(\.\/)+/, '');
  if (clean.startsWith('../') || clean.startsWith('/')) throw new FcError('CAExited', `The CA process either cannot be started or exited: handler '${handler}' points outside the code`);
  for (const name of [clean, 'bootstrap']) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    if (lstatSync(path).isDirectory()) continue;
    return name === 'bootstrap' && lstatSync(path).isSymbolicLink() ? posix.normalize(readlinkSync(path)) : name;
  }
  throw new FcError('CAExited', `The CA process either cannot be started or exited: the executable '${clean}' named by the handler is not in the code (build your main package with GOOS=linux GOARCH=amd64 and zip the binary, or upload the Go source for fnplay to build)`);
}
