import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RootSpec } from './types.ts';

// A container instance's root: the image's tree read-only with a private writable layer on top,
// capped at 512 MB and gone with the instance (seed 000 §5.1). bwrap 0.8 cannot mount overlays, so
// a wrapper does it first: `unshare` makes a user and mount namespace of the service's own (no
// privilege needed since Linux 5.11), mounts a size-capped tmpfs and the overlay over the image
// tree there, and execs bwrap, which binds the merged tree as `/`. The mounts exist only in that
// mount namespace and vanish with the instance; the shared tree is never written.

/** The writable layer's cap (seed 000 §5.1: at most 512 MB of data outside the image's layers). */
export const WRITABLE_LAYER_BYTES = 512 * 1024 * 1024;

const SCRIPT = [
  'set -e',
  'lower=$1; layer=$2; root=$3; mode=$4; shift 4',
  'if [ "$mode" = overlay ]; then',
  `  mount -t tmpfs -o size=${WRITABLE_LAYER_BYTES},mode=0755 fnplay-layer "$layer"`,
  '  mkdir "$layer/upper" "$layer/work"',
  '  mount -t overlay fnplay-root -o "userxattr,lowerdir=$lower,upperdir=$layer/upper,workdir=$layer/work" "$root"',
  'else',
  // a private copy of the image (unpacked for this instance alone) is its own writable layer
  '  mount --rbind "$lower" "$root"',
  'fi',
  'exec "$@"',
].join('\n');

/** Where, under the instance's run dir, the merged root is mounted for bwrap to bind. */
export const rootMountIn = (runDir: string) => join(runDir, 'root');

/** The argv that mounts `root` and then runs `command` (bwrap and its arguments). */
export function rootMountCommand(unshare: string, root: RootSpec, runDir: string, overlay: boolean, command: string[]): string[] {
  const layer = join(runDir, 'layer');
  mkdirSync(layer, { recursive: true });
  mkdirSync(rootMountIn(runDir), { recursive: true });
  const mode = root.shared || overlay ? 'overlay' : 'bind';
  return [unshare, '--user', '--map-root-user', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', SCRIPT, 'fnplay-root', root.dir, layer, rootMountIn(runDir), mode, ...command];
}

/**
 * Whether this kernel lets the service's user mount an overlay in a user namespace of its own
 * (Linux ≥ 5.11, and not forbidden by a sysctl or an LSM): one tiny trial at start.
 */
export function probeOverlay(unshare: string, workRoot: string): string | null {
  const dir = mkdtempSync(join(workRoot, 'overlay-probe-'));
  try {
    for (const d of ['lower', 'layer', 'root']) mkdirSync(join(dir, d));
    const argv = rootMountCommand(unshare, { dir: join(dir, 'lower'), shared: true, uid: 0, gid: 0, workingDir: '/' }, dir, true, ['/bin/true']);
    // rootMountCommand's own mount points: layer and root under `dir`
    const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 10_000 });
    if (r.error) return r.error.message;
    if (r.status !== 0) return (r.stderr || `exit ${r.status}`).trim().split('\n')[0];
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
