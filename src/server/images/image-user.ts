// The numeric uid and gid an image's USER means, read from the image's own /etc/passwd and
// /etc/group as Docker (runc) reads them: '' is root, a name must be in passwd, a number need
// not be, and a number missing from passwd runs with gid 0. The files are read inside the tree
// only: a symlink is followed relative to the image's root, never into the host's /etc.
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { FcError } from '../errors.ts';

export interface ImageUser {
  uid: number;
  gid: number;
  /** From passwd when the user is listed there, else null. */
  home: string | null;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

export async function resolveImageUser(rootfs: string, user: string): Promise<ImageUser> {
  const [userPart, groupPart] = user === '' ? ['', undefined] : user.split(':', 2) as [string, string | undefined];
  const passwd = parsePasswd(await readInRoot(rootfs, '/etc/passwd'));
  let uid = 0;
  let gid = 0;
  let home: string | null = null;
  if (userPart !== '') {
    const byName = passwd.find((e) => e.name === userPart);
    const numeric = /^\d+$/.test(userPart) ? Number(userPart) : null;
    const entry = byName ?? (numeric !== null ? passwd.find((e) => e.uid === numeric) : undefined);
    if (!entry && numeric === null) {
      throw new FcError('InvalidArgument', `the image's USER ${user} is not in its /etc/passwd (unable to find user ${userPart}: no matching entries in passwd file); use a numeric uid or add the user in the image`);
    }
    uid = entry?.uid ?? numeric!;
    gid = entry?.gid ?? 0;
    home = entry?.home ?? null;
  } else {
    home = passwd.find((e) => e.uid === 0)?.home ?? null;
  }
  if (groupPart !== undefined && groupPart !== '') {
    if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else {
      const group = parseGroup(await readInRoot(rootfs, '/etc/group')).find((g) => g.name === groupPart);
      if (!group) throw new FcError('InvalidArgument', `the image's USER ${user} names group ${groupPart}, which is not in its /etc/group; use a numeric gid or add the group in the image`);
      gid = group.gid;
    }
  }
  return { uid, gid, home };
}

function parsePasswd(text: string | null): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) continue;
    out.push({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] });
  }
  return out;
}

function parseGroup(text: string | null): { name: string; gid: number }[] {
  const out: { name: string; gid: number }[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || !/^\d+$/.test(f[2])) continue;
    out.push({ name: f[0], gid: Number(f[2]) });
  }
  return out;
}

/** A file's text at `path` inside the image, symlinks resolved within the image; null if absent. */
async function readInRoot(rootfs: string, path: string): Promise<string | null> {
  let inside = posix.normalize(path);
  for (let hops = 0; hops < 40; hops++) {
    // resolve each component, so a symlinked directory (/etc → /usr/etc) stays inside too
    const parts = inside.split('/').filter(Boolean);
    let resolved = '/';
    let followed = false;
    for (let i = 0; i < parts.length; i++) {
      const candidate = posix.join(resolved, parts[i]);
      const st = await lstat(join(rootfs, candidate)).catch(() => null);
      if (!st) return null;
      if (st.isSymbolicLink()) {
        const target = await readlink(join(rootfs, candidate));
        const base = target.startsWith('/') ? target : posix.join(resolved, target);
        inside = posix.normalize(posix.join('/', base, ...parts.slice(i + 1)));
        followed = true;
        break;
      }
      resolved = candidate;
    }
    if (!followed) return readFile(join(rootfs, resolved), 'utf8').catch(() => null);
  }
  return null; // a symlink loop
}
