// A function's layers as its instances see them: merged into one tree per distinct list of layer
// checksums (made once, kept in the code store's derived/ like a build), shown read-only at /opt,
// and FC's search paths pointing into it.
import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodeStore } from '../code/index.ts';
import { FcError } from '../errors.ts';
import type { LaunchSpec } from '../instances/index.ts';
import { isContainerRuntime, isNodeRuntime, type FunctionConfig, type FunctionLayer } from '../../shared/function-config.ts';

/** Where FC shows layers inside an instance. */
export const OPT = '/opt';

/** How an instance gets its layers: the directory its search paths name, and what to add to its launch. */
export interface LayerMount {
  /** `/opt` in the sandbox; the merged tree on the host without one; null when there is nothing to show. */
  dir: string | null;
  /** The launch spec with the tree bound at /opt (unchanged without layers or without a sandbox). */
  apply<T extends Pick<LaunchSpec, 'binds'>>(spec: T): T;
  /** Said once in the instance's log when the layers cannot be at /opt (no sandbox). */
  note: string | null;
}

/** The function's layers, merged (PullCode: part of making the code available) and ready to mount. */
export async function layersFor(code: CodeStore, config: FunctionConfig, sandboxed: boolean): Promise<LayerMount> {
  // A custom container's image is its whole file system: FC shows it no layers and sets no paths into them.
  if (isContainerRuntime(config.runtime)) return { dir: null, apply: (spec) => spec, note: null };
  const tree = await layerTree(code, config.layers ?? []);
  if (!tree) return { dir: sandboxed ? OPT : null, apply: (spec) => spec, note: null };
  if (sandboxed) return { dir: OPT, apply: (spec) => ({ ...spec, binds: [...(spec.binds ?? []), { host: tree, at: OPT }] }), note: null };
  return {
    dir: tree,
    apply: (spec) => spec,
    note: `fnplay: without a sandbox the function's layers cannot be mounted at /opt: they are at ${tree}, and PATH, LD_LIBRARY_PATH, NODE_PATH and PYTHONPATH point there; code that names /opt/... itself will not find them`,
  };
}

/**
 * The merged tree of `layers`, or null without any. FC merges them "in reverse order": the last is
 * laid down first and each earlier one over it, so the first configured wins a file both have.
 * Copying first-to-last and never overwriting gives the same tree.
 */
async function layerTree(code: CodeStore, layers: FunctionLayer[]): Promise<string | null> {
  if (layers.length === 0) return null;
  const dirs = await Promise.all(layers.map(async (l) => {
    const p = await code.prepare(l.codeChecksum, { runtime: 'layer', handler: '' });
    if (p.status === 'Failed') throw new FcError('FunctionNotStarted', `layer ${l.arn} could not be extracted: ${p.reason}`);
    return p.dir;
  }));
  const key = `opt-${layers.map((l) => l.codeChecksum).join('-')}`;
  return code.derive(layers[0].codeChecksum, key, async (work) => {
    await mkdir(work, { mode: 0o755 });
    for (const dir of dirs) await mergeUnder(dir, work);
  });
}

/** Copies `source` into `dest`, keeping whatever `dest` already has (files cloned where the filesystem can). */
async function mergeUnder(source: string, dest: string): Promise<void> {
  for (const entry of await readdir(source, { withFileTypes: true })) {
    const from = join(source, entry.name);
    const to = join(dest, entry.name);
    if (entry.isDirectory()) {
      await mkdir(to, { mode: 0o755 }).catch(ignoreExisting);
      await mergeUnder(from, to).catch((err: NodeJS.ErrnoException) => {
        // An earlier layer has a file where this one has a directory: the earlier one wins.
        if (err.code !== 'ENOTDIR') throw err;
      });
    } else if (entry.isSymbolicLink()) {
      await symlink(await readlink(from), to).catch(ignoreExisting);
    } else if (entry.isFile()) {
      await copyFile(from, to, constants.COPYFILE_FICLONE | constants.COPYFILE_EXCL).catch(ignoreExisting);
    }
  }
}

const ignoreExisting = (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EEXIST') throw err;
};

/**
 * FC's search paths into the layers (its "directories each runtime adds"): `bin` on PATH and `lib`
 * on LD_LIBRARY_PATH for every runtime, Node.js's `nodejs/node_modules` (and the runtime's own
 * `nodejs/node<major>/node_modules`) on NODE_PATH. Python's `/opt/python` is on sys.path from the
 * bootstrap itself; only a tree outside /opt (no sandbox) needs PYTHONPATH.
 */
export function layerSearchEnv(runtime: string, optDir: string | null, basePath: string): Record<string, string> {
  if (!optDir) return {};
  const env: Record<string, string> = { PATH: `${basePath}:${optDir}/bin`, LD_LIBRARY_PATH: `${optDir}/lib` };
  if (isNodeRuntime(runtime)) {
    const major = parseInt(runtime.slice('nodejs'.length), 10);
    env.NODE_PATH = `${optDir}/nodejs/node${major}/node_modules:${optDir}/nodejs/node_modules`;
  }
  if (runtime.startsWith('python') && optDir !== OPT) env.PYTHONPATH = `${optDir}/python`;
  return env;
}
