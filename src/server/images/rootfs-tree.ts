// Work on unpacked root filesystems as trees of files the service owns (a rootless unpack makes
// it so): the mount points a sandbox needs, removal, and disk use.
import { chmod, lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

// Docker makes these in every container whether the image has them or not; a sandbox that
// binds the image read-only as `/` cannot create a mount point in it, so they are made here,
// only where the image has nothing of that name.
const MOUNT_DIRS: [string, number][] = [['proc', 0o555], ['sys', 0o555], ['dev', 0o755], ['tmp', 0o1777], ['etc', 0o755]];
const MOUNT_FILES = ['etc/hosts', 'etc/resolv.conf', 'etc/hostname'];

export async function addMountPoints(rootfs: string): Promise<void> {
  // an image may make / read-only (0555): let the owner write for a moment
  const rootMode = (await lstat(rootfs)).mode & 0o7777;
  if ((rootMode & 0o200) === 0) await chmod(rootfs, rootMode | 0o200);
  try {
    await makeMountPoints(rootfs);
  } finally {
    if ((rootMode & 0o200) === 0) await chmod(rootfs, rootMode);
  }
}

async function makeMountPoints(rootfs: string): Promise<void> {
  for (const [dir, mode] of MOUNT_DIRS) {
    const path = join(rootfs, dir);
    if ((await lstat(path).catch(() => null)) === null) {
      await mkdir(path);
      await chmod(path, mode); // mkdir's mode is masked by the umask
    }
  }
  const etc = await lstat(join(rootfs, 'etc'));
  if (!etc.isDirectory()) return; // a symlinked /etc is the image's business
  for (const file of MOUNT_FILES) {
    const path = join(rootfs, file);
    if ((await lstat(path).catch(() => null)) === null) await writeFile(path, '', { mode: 0o644 });
  }
}

/**
 * rm -rf that also takes trees with read-only directories (images have them, e.g. 0555 dirs,
 * and a rootless unpack keeps the modes): a non-root owner must make them writable first.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'ENOTEMPTY') throw err;
  }
  await makeWritable(path);
  await rm(path, { recursive: true, force: true });
}

async function makeWritable(path: string): Promise<void> {
  const stack = [path];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const st = await lstat(dir).catch(() => null);
    if (!st?.isDirectory()) continue;
    await chmod(dir, (st.mode & 0o7777) | 0o700).catch(() => {});
    for (const name of await readdir(dir).catch(() => [] as string[])) stack.push(join(dir, name));
  }
}

/** Bytes the tree takes on disk (allocated blocks, hard links once). */
export async function treeBytes(path: string): Promise<number> {
  let total = 0;
  const seen = new Set<string>();
  const stack = [path];
  while (stack.length > 0) {
    const p = stack.pop()!;
    const st = await lstat(p, { bigint: false }).catch(() => null);
    if (!st) continue;
    const id = `${st.dev}:${st.ino}`;
    if (st.nlink > 1 && seen.has(id)) continue;
    if (st.nlink > 1) seen.add(id);
    total += st.blocks * 512;
    if (st.isDirectory()) for (const name of await readdir(p).catch(() => [] as string[])) stack.push(join(p, name));
  }
  return total;
}
