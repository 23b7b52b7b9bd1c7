// Root filesystems by image digest, under `rootfs/<alg>-<hex>/`: each is unpacked in a work dir
// and renamed into place whole, so one that exists is complete; concurrent requests for one
// digest share one unpack and each hears its progress.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { FcError } from '../errors.ts';
import type { ImageInfo } from './image-info.ts';
import type { Descriptor } from './oci-layout.ts';
import { addMountPoints, removeTree, treeBytes } from './rootfs-tree.ts';
import type { SharedLock } from './shared-lock.ts';
import { umociUnpack, type UnpackProgress } from './umoci-unpack.ts';

export interface RootfsStoreConfig {
  root: string;
  trash: string;
  blobsDir: string;
  jobsDir: string;
  umoci: string;
  /** Held shared while umoci reads blobs (a sweep must not delete them meanwhile). */
  blobLock: SharedLock;
  /** Whether the store still lists the digest (a build that starts after remove() must not run). */
  listed(digest: string): boolean;
  /** Runs `fn` in a fresh work dir (same filesystem as `root`), deleted afterwards. */
  withWorkDir<T>(prefix: string, fn: (work: string) => Promise<T>): Promise<T>;
}

export interface Unpackable {
  info: ImageInfo;
  manifest: Descriptor;
}

export interface RootfsStore {
  /** The tree if it is complete, else null. */
  dir(digest: string): string | null;
  /**
   * The tree of `digest`, built once; `load` says what to build (and may refuse). The build is
   * registered at once, before `load` resolves, so a remove() called after this waits for it.
   */
  build(digest: string, load: () => Promise<Unpackable>, onProgress?: (p: UnpackProgress) => void): Promise<string>;
  /** Unpacks into `dest` (must not exist), not shared, not kept; a failure leaves no `dest`. */
  buildAt(image: Unpackable, dest: string, onProgress?: (p: UnpackProgress) => void): Promise<void>;
  /** Bytes a complete tree takes (measured once), or null. */
  bytes(digest: string): Promise<number | null>;
  /** Resolves when no build of the digest is running (whatever its outcome). */
  settled(digest: string): Promise<void>;
  /** Deletes the tree; returns the bytes freed. Call after settled(), not while a build runs. */
  take(digest: string): Promise<number>;
  /** Moves aside trees of digests the store no longer lists. */
  dropUnlisted(listed: (digest: string) => boolean): void;
}

interface Build {
  done: Promise<string>;
  listeners: Set<(p: UnpackProgress) => void>;
  last: UnpackProgress | null;
}

export function createRootfsStore(c: RootfsStoreConfig): RootfsStore {
  mkdirSync(c.root, { recursive: true });
  const builds = new Map<string, Build>();
  const sizes = new Map<string, number>();
  const pathOf = (digest: string) => join(c.root, digest.replace(':', '-'));
  const toTrash = () => join(c.trash, `rootfs-${randomBytes(6).toString('hex')}`);
  const describe = (image: Unpackable) => `unpacking image ${image.info.references[0] ?? image.info.digest}`;

  function start(digest: string, load: () => Promise<Unpackable>): Build {
    const build: Build = { listeners: new Set(), last: null, done: Promise.resolve('') };
    const target = pathOf(digest);
    const unpack = (image: Unpackable) =>
      c.withWorkDir(`unpack-${digest.replace(':', '-').slice(0, 20)}-`, async (work) => {
        if (!c.listed(digest)) throw new FcError('InvalidArgument', `image ${digest} was removed from the store while its unpack waited`);
        // 1. unpack beside the target, 2. add mount points, 3. rename: a kill before the rename
        // leaves only work in tmp, which the next store deletes unused
        const tree = join(work, 'rootfs');
        await umociUnpack(c.umoci, {
          workDir: work, blobsDir: c.blobsDir, manifest: image.manifest, layers: image.info.layers, dest: tree, jobsDir: c.jobsDir,
          onProgress(p) {
            build.last = p;
            for (const l of build.listeners) l(p);
          },
        }, describe(image));
        await addMountPoints(tree);
        try {
          await rename(tree, target);
        } catch (err) {
          if (!existsSync(target)) throw err; // else another store on this dir won; its tree is as good
        }
        return target;
      });
    build.done = (async () => {
      const image = await load();
      if (existsSync(target)) return target;
      return c.blobLock.shared(() => unpack(image));
    })().finally(() => builds.delete(digest));
    return build;
  }

  return {
    dir(digest) {
      const path = pathOf(digest);
      return existsSync(path) ? path : null;
    },

    async build(digest, load, onProgress) {
      let build = builds.get(digest);
      if (!build) {
        build = start(digest, load);
        builds.set(digest, build);
      }
      if (onProgress) {
        build.listeners.add(onProgress);
        if (build.last) onProgress(build.last);
      }
      try {
        const tree = await build.done;
        if (onProgress && !build.last) {
          // it was there already: all of it is done
          const image = await load();
          const { layers, uncompressedSize } = image.info;
          onProgress({ layersDone: layers.length, layers: layers.length, bytesDone: uncompressedSize, bytes: uncompressedSize });
        }
        return tree;
      } finally {
        if (onProgress) build.listeners.delete(onProgress);
      }
    },

    async buildAt(image, dest, onProgress) {
      if (existsSync(dest)) throw new Error(`unpackTo: ${dest} exists already`);
      await c.blobLock.shared(() =>
        c.withWorkDir('unpack-to-', async (work) => {
          try {
            await umociUnpack(c.umoci, { workDir: work, blobsDir: c.blobsDir, manifest: image.manifest, layers: image.info.layers, dest, jobsDir: c.jobsDir, onProgress }, describe(image));
            await addMountPoints(dest);
          } catch (err) {
            await removeTree(dest); // half a tree is of no use to anyone
            throw err;
          }
        }),
      );
    },

    async bytes(digest) {
      const path = pathOf(digest);
      if (!existsSync(path)) return null;
      // a finished tree never changes
      const known = sizes.get(digest) ?? (await treeBytes(path));
      sizes.set(digest, known);
      return known;
    },

    async settled(digest) {
      await builds.get(digest)?.done.catch(() => {});
    },

    async take(digest) {
      const path = pathOf(digest);
      if (!existsSync(path)) return 0;
      const freed = sizes.get(digest) ?? (await treeBytes(path));
      sizes.delete(digest);
      // renamed away first: from here on dir() says null, whatever the deletion takes
      const gone = toTrash();
      await rename(path, gone);
      await removeTree(gone);
      return freed;
    },

    dropUnlisted(listed) {
      for (const name of readdirSync(c.root)) {
        if (!listed(name.replace('-', ':'))) renameSync(join(c.root, name), toTrash());
      }
    },
  };
}
