import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveImageUser } from './image-user.ts';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n';
const GROUP = 'root:x:0:\nstaff:x:50:\napp:x:1001:\n';

describe('the image USER as numbers', () => {
  const roots: string[] = [];
  const rootfs = (files: Record<string, string> = { 'etc/passwd': PASSWD, 'etc/group': GROUP }) => {
    const root = mkdtempSync(join(tmpdir(), 'fnplay-user-'));
    roots.push(root);
    for (const [p, content] of Object.entries(files)) {
      mkdirSync(join(root, p, '..'), { recursive: true });
      writeFileSync(join(root, p), content);
    }
    return root;
  };
  afterEach(() => {
    for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
  });

  it('is root when the image names no user (FC runs images as root by default)', async () => {
    expect(await resolveImageUser(rootfs(), '')).toEqual({ uid: 0, gid: 0, home: '/root' });
  });

  it('reads a name, and a number, from the image\'s passwd with its primary group', async () => {
    const root = rootfs();
    expect(await resolveImageUser(root, 'app')).toEqual({ uid: 1000, gid: 1001, home: '/home/app' });
    expect(await resolveImageUser(root, '1000')).toEqual({ uid: 1000, gid: 1001, home: '/home/app' });
  });

  it('takes a number missing from passwd with gid 0, as runc does', async () => {
    expect(await resolveImageUser(rootfs({}), '4242')).toEqual({ uid: 4242, gid: 0, home: null });
  });

  it('takes user:group by name or number', async () => {
    const root = rootfs();
    expect(await resolveImageUser(root, 'app:staff')).toMatchObject({ uid: 1000, gid: 50 });
    expect(await resolveImageUser(root, '1000:7')).toMatchObject({ uid: 1000, gid: 7 });
  });

  it('refuses a name the image does not know, as Docker does', async () => {
    await expect(resolveImageUser(rootfs(), 'ghost')).rejects.toThrow(/unable to find user ghost: no matching entries in passwd file/);
    await expect(resolveImageUser(rootfs(), 'app:ghosts')).rejects.toThrow(/group ghosts, which is not in its \/etc\/group/);
  });

  it('follows symlinks inside the image, never to the host\'s /etc', async () => {
    const root = rootfs({ 'usr/etc/passwd': 'svc:x:77:77::/srv:/bin/sh\n' });
    mkdirSync(join(root, 'etc'));
    symlinkSync('/usr/etc/passwd', join(root, 'etc/passwd'));
    expect(await resolveImageUser(root, 'svc')).toMatchObject({ uid: 77, gid: 77 });
    const escaping = rootfs({});
    symlinkSync('/etc', join(escaping, 'etc')); // absolute: the image's own /etc, i.e. itself
    await expect(resolveImageUser(escaping, 'root')).rejects.toThrow(/unable to find user root/);
  });
});
