// Images by digest: copied in with skopeo (import of an archive or layout, pull from a registry,
// copy from a local Docker or Podman daemon), named by normalized references, unpacked once per
// digest with umoci into a root filesystem that instances run (SPEC §4 Custom container, §6). Layout under `dir`:
//   layout/           one OCI image layout: blobs/ shared by all images, index.json naming them
//   sizes/            uncompressed size of each layer, counted once
//   rootfs/<hex>/     an unpacked root filesystem; it exists only once complete
//   tmp/              work in progress (copies, unpacks), renamed into place (same filesystem)
//   trash/            what is being deleted: renamed here first, so it vanishes at once
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { mkdtemp, readFile, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FcError } from '../errors.ts';
import { describeImage, FC_IMAGE_SIZE_LIMITS, type ImageInfo } from './image-info.ts';
import { readImportSource, type SourceImage } from './import-source.ts';
import { createLayerSizes } from './layer-sizes.ts';
import { isDigest, openStoreLayout, type Descriptor, type OciConfig, type OciManifest } from './oci-layout.ts';
import { isLoopbackRegistry, parseReference } from './reference.ts';
import { createRootfsStore, type Unpackable } from './rootfs-store.ts';
import { removeTree } from './rootfs-tree.ts';
import { createSharedLock } from './shared-lock.ts';
import { daemonHasImage, defaultDaemonSockets, findDaemon } from './daemon-source.ts';
import { COPIED_LAYOUT, skopeoCopy, type Credentials } from './skopeo.ts';
import { reapTools } from './tool-process.ts';
import type { UnpackProgress } from './umoci-unpack.ts';

export interface ImageStoreConfig {
  /** `<dataDir>/images`; one store owns it (a second live store would clear the first's work). */
  dir: string;
  /** FC's limit on an image's uncompressed size: FC_IMAGE_SIZE_LIMITS.standard (3 GB) unless given. */
  maxUncompressedBytes?: number;
  /** Credentials for pulls, by registry host, when a pull names none; never logged. */
  credentials?: Record<string, Credentials>;
  /** Paths of the tools, found on PATH unless given. */
  skopeo?: string;
  umoci?: string;
  /** Unix sockets where a Docker or Podman daemon may answer, in order; defaultDaemonSockets(process.env) unless given. */
  daemonSockets?: string[];
}

export interface ImportOptions {
  /** The reference to name the image by; else the archive's own name(s). */
  name?: string;
  signal?: AbortSignal;
}

export interface PullOptions {
  /** Never logged, never in an error message. */
  credentials?: Credentials;
  /** HTTPS with certificate checks; default true except for registries on loopback (plain HTTP, as Docker). */
  tlsVerify?: boolean;
  signal?: AbortSignal;
}

export interface DiskUsage {
  /** Blobs (layers, configs, manifests), each once however many images share it. */
  blobBytes: number;
  rootfsBytes: number;
  totalBytes: number;
  images: { digest: string; references: string[]; blobBytes: number; rootfsBytes: number | null }[];
}

export interface ImageStore {
  readonly dir: string;
  /** `docker-archive:`/`oci-archive:`/`oci:` source or a plain path (the kind is read from it). */
  import(source: string, opts?: ImportOptions): Promise<ImageInfo[]>;
  pull(reference: string, opts?: PullOptions): Promise<ImageInfo>;
  /**
   * Copies the image from a local Docker or Podman daemon (daemon-source.ts), named by the
   * normalized reference; null when no daemon answers or the daemon has no such image, so the
   * caller goes on to the registry.
   */
  fromDaemon(reference: string): Promise<ImageInfo | null>;
  /**
   * The digest of `reference`, fetched if needed: found in the store, else copied from a local
   * Docker/Podman daemon that has it, else pulled from its registry (`onFetch` is told first).
   * A failure names both ways to get the image here instead.
   */
  obtain(reference: string, onFetch?: () => void): Promise<string>;
  /** The digest a reference (or digest) names here, or null. */
  resolve(referenceOrDigest: string): string | null;
  inspect(referenceOrDigest: string): Promise<ImageInfo>;
  list(): Promise<ImageInfo[]>;
  /**
   * The image's root filesystem, unpacked once per digest (concurrent calls share the work, and
   * each gets the progress); refuses an image with a problem (platform, size) with its advice.
   */
  unpack(referenceOrDigest: string, onProgress?: (p: UnpackProgress) => void): Promise<string>;
  /** The root filesystem if it is complete, else null. */
  rootfsDir(digest: string): string | null;
  /** The unaccelerated path: unpacks straight into `dest` (which must not exist), not shared. */
  unpackTo(referenceOrDigest: string, dest: string, onProgress?: (p: UnpackProgress) => void): Promise<void>;
  /** Deletes the image: its references, root filesystem and the blobs no other image uses. */
  remove(digest: string): Promise<{ freedBytes: number }>;
  diskUsage(): Promise<DiskUsage>;
  /** The service stops: the copies and unpacks under way are killed (what they leave, the next store clears). */
  close(): void;
}

interface Parsed {
  manifest: OciManifest;
  config: OciConfig;
  uncompressed: number[];
}

export function createImageStore(config: ImageStoreConfig): ImageStore {
  const { dir } = config;
  const maxBytes = config.maxUncompressedBytes ?? FC_IMAGE_SIZE_LIMITS.standard;
  const skopeo = config.skopeo ?? 'skopeo';
  const umoci = config.umoci ?? 'umoci';
  const daemonSockets = config.daemonSockets ?? defaultDaemonSockets(process.env);
  const tmp = join(dir, 'tmp');
  const trash = join(dir, 'trash');
  const jobs = join(tmp, 'jobs');

  // 1. kill the tools a dead store left running, 2. set its work aside to be deleted: nothing in
  // tmp was finished (finished work is renamed out of it), so nothing there is ever used.
  reapTools(jobs);
  mkdirSync(trash, { recursive: true });
  if (existsSync(tmp)) renameSync(tmp, join(trash, `tmp-${randomBytes(6).toString('hex')}`));
  mkdirSync(tmp, { recursive: true });
  for (const name of readdirSync(trash)) void removeTree(join(trash, name)).catch(() => {});

  const layout = openStoreLayout(join(dir, 'layout'));
  const sizes = createLayerSizes(join(dir, 'sizes'));
  const blobLock = createSharedLock();
  const parsed = new Map<string, Parsed>(); // digest → what its blobs say (immutable)
  const rootfs = createRootfsStore({
    root: join(dir, 'rootfs'), trash, blobsDir: layout.blobsDir, jobsDir: jobs, umoci, blobLock, withWorkDir, listed: (digest) => layout.find(digest) !== null,
  });

  // 3. what a kill in the middle of remove() or of a copy left: a tree of an image no longer
  // listed, blobs no image uses
  rootfs.dropUnlisted((digest) => layout.find(digest) !== null);
  void blobLock.exclusive(sweepBlobs).catch(() => {});

  function resolve(input: string): string | null {
    if (isDigest(input)) return layout.find(input) ? input : null;
    let normalized: string;
    try {
      normalized = parseReference(input).normalized;
    } catch {
      return null;
    }
    return layout.digestOf(normalized);
  }

  function mustResolve(input: string): string {
    const digest = resolve(input);
    if (digest) return digest;
    if (!isDigest(input)) parseReference(input); // a malformed reference says why
    throw new FcError('InvalidArgument', `image ${input} is not in fnplay's image store; pull it from a registry or import it (fnplay image import FILE --name REF)`);
  }

  async function parse(digest: string): Promise<Parsed> {
    const known = parsed.get(digest);
    if (known) return known;
    const manifest = await layout.readJson<OciManifest>(digest);
    if (!manifest.config || !Array.isArray(manifest.layers)) throw new FcError('InvalidArgument', `${digest} is not an image manifest (an index, or something else)`);
    const cfg = await layout.readJson<OciConfig>(manifest.config.digest);
    const uncompressed = await Promise.all(manifest.layers.map((l) => sizes.uncompressed(l, layout.blobPath(l.digest))));
    const result = { manifest, config: cfg, uncompressed };
    parsed.set(digest, result);
    return result;
  }

  async function inspect(input: string): Promise<ImageInfo> {
    const digest = mustResolve(input);
    const p = await parse(digest);
    return describeImage(digest, layout.referencesOf(digest), p.manifest, p.config, p.uncompressed, maxBytes);
  }

  /**
   * Runs one skopeo copy into `work/layout` and names what it copied, all while holding the blob
   * dir shared (a sweep in between would take the new, still unnamed blobs). An image over the
   * size limit is not named, and its blobs go with the next sweep.
   */
  async function copyIn(work: string, copy: { source: string; registry?: string; credentials?: Credentials; tlsVerify?: boolean; daemonHost?: string; signal?: AbortSignal }, names: string[], describe: string): Promise<ImageInfo> {
    const info = await blobLock.shared(async () => {
      await skopeoCopy(skopeo, { ...copy, cwd: work, sharedBlobs: layout.blobsDir, tmpDir: work, jobsDir: jobs }, describe);
      const index = JSON.parse(await readFile(join(work, COPIED_LAYOUT, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
      const manifest = index.manifests[0];
      const p = await parse(manifest.digest);
      const described = describeImage(manifest.digest, names, p.manifest, p.config, p.uncompressed, maxBytes);
      if (described.problem && described.uncompressedSize > maxBytes) return described;
      await layout.name(manifest, names);
      return described;
    });
    await removeTree(join(work, COPIED_LAYOUT));
    if (info.problem && info.uncompressedSize > maxBytes) {
      await blobLock.exclusive(sweepBlobs);
      throw new FcError('InvalidArgument', info.problem);
    }
    return { ...info, references: layout.referencesOf(info.digest) };
  }

  /** Deletes every blob no stored image uses; returns the bytes freed. */
  async function sweepBlobs(): Promise<number> {
    const used = new Set<string>();
    for (const image of layout.images()) {
      used.add(image.digest);
      const p = await parse(image.digest).catch(() => null);
      if (!p) continue;
      used.add(p.manifest.config.digest);
      for (const l of p.manifest.layers) used.add(l.digest);
    }
    let freed = 0;
    for (const alg of await readdir(layout.blobsDir).catch(() => [] as string[])) {
      for (const hex of await readdir(join(layout.blobsDir, alg)).catch(() => [] as string[])) {
        const digest = `${alg}:${hex}`;
        if (used.has(digest)) continue;
        const path = join(layout.blobsDir, alg, hex);
        freed += await stat(path).then((s) => s.blocks * 512, () => 0);
        await unlink(path).catch(() => {});
        await unlink(join(dir, 'sizes', `${alg}-${hex}`)).catch(() => {});
        parsed.delete(digest);
      }
    }
    return freed;
  }

  async function withWorkDir<T>(prefix: string, fn: (work: string) => Promise<T>): Promise<T> {
    const work = await mkdtemp(join(tmp, prefix));
    try {
      return await fn(work);
    } finally {
      await removeTree(work);
    }
  }

  async function unpackable(input: string): Promise<Unpackable> {
    const info = await inspect(input);
    if (info.problem) throw new FcError('InvalidArgument', info.problem);
    return { info, manifest: layout.find(info.digest)! };
  }

  return {
    dir,

    async import(source, opts = {}) {
      const name = opts.name === undefined ? null : parseReference(opts.name).normalized;
      return withWorkDir('import-', async (work) => {
        const src = await readImportSource(source, work);
        if (name && src.images.length > 1) {
          throw new FcError('InvalidArgument', `${source} holds ${src.images.length} images (${src.images.map((i) => i.label).join(', ')}); a name can be given to one image only: import it without a name, or export one image per archive`);
        }
        const plan: [SourceImage, string[]][] = src.images.map((image) => [image, name ? [name] : image.names]);
        const unnamed = plan.find(([, names]) => names.length === 0);
        if (unnamed) {
          throw new FcError('InvalidArgument', `${source} does not name its image (${unnamed[0].label}); give the reference to name it by (fnplay image import FILE --name REF)`);
        }
        const imported: ImageInfo[] = [];
        for (const [image, names] of plan) {
          imported.push(await copyIn(work, { source: image.transport, signal: opts.signal }, names, `importing ${image.label} from ${source}`));
        }
        return imported;
      });
    },

    async pull(reference, opts = {}) {
      const ref = parseReference(reference);
      // skopeo takes a tag or a digest, not both; the digest is what counts
      const source = ref.digest ? `${ref.domain}/${ref.path}@${ref.digest}` : ref.normalized;
      const tlsVerify = opts.tlsVerify ?? !isLoopbackRegistry(ref.domain);
      return withWorkDir('pull-', (work) =>
        copyIn(work, { source: `docker://${source}`, registry: ref.domain, credentials: opts.credentials ?? config.credentials?.[ref.domain], tlsVerify, signal: opts.signal }, [ref.normalized], `pulling ${ref.normalized}`),
      );
    },

    async obtain(reference, onFetch) {
      const known = resolve(reference);
      if (known) return known;
      const ref = parseReference(reference);
      onFetch?.();
      // A local daemon that has it is nearer than its registry (`docker build` users).
      const local = await this.fromDaemon(ref.normalized).catch(() => null);
      if (local) return local.digest;
      try {
        return (await this.pull(ref.normalized)).digest;
      } catch (err) {
        const why = err instanceof FcError ? err.message : String(err);
        throw new FcError('InvalidArgument', `image ${ref.normalized} is not in fnplay's image store and could not be pulled (${why}). Import it instead: docker save ${reference} -o image.tar, then upload it in the playground or run fnplay image import image.tar --name ${reference}`);
      }
    },

    async fromDaemon(reference) {
      const ref = parseReference(reference);
      // 1. a daemon that answers, 2. that holds the image, 3. skopeo's copy of its `docker save` export
      const socket = await findDaemon(daemonSockets);
      if (!socket) return null;
      // the daemon takes a tag or a digest, not both (as a registry; see pull)
      const name = ref.digest ? `${ref.domain}/${ref.path}@${ref.digest}` : ref.normalized;
      if (!(await daemonHasImage(socket, name))) return null;
      return withWorkDir('daemon-', (work) =>
        copyIn(work, { source: `docker-daemon:${name}`, daemonHost: `unix://${socket}` }, [ref.normalized], `copying ${ref.normalized} from the container daemon at ${socket}`),
      );
    },

    resolve,
    inspect,

    async list() {
      return Promise.all(layout.images().map((d) => inspect(d.digest)));
    },

    unpack(input, onProgress) {
      let digest: string;
      try {
        digest = mustResolve(input);
      } catch (err) {
        return Promise.reject(err);
      }
      return rootfs.build(digest, () => unpackable(digest), onProgress);
    },

    rootfsDir: (digest) => (isDigest(digest) ? rootfs.dir(digest) : null),

    async unpackTo(input, dest, onProgress) {
      await rootfs.buildAt(await unpackable(input), dest, onProgress);
    },

    async remove(digest) {
      if (!isDigest(digest)) throw new FcError('InvalidArgument', `'${digest}' is not an image digest (sha256:…)`);
      await rootfs.settled(digest); // a build holds the blobs shared: waiting inside would deadlock
      return blobLock.exclusive(async () => {
        // 1. the tree, 2. the names, 3. the blobs nothing else uses
        let freedBytes = await rootfs.take(digest);
        await layout.forget(digest);
        freedBytes += await sweepBlobs();
        parsed.delete(digest);
        return { freedBytes };
      });
    },

    close() {
      reapTools(jobs);
    },

    async diskUsage() {
      let blobBytes = 0;
      for (const alg of await readdir(layout.blobsDir).catch(() => [] as string[])) {
        for (const hex of await readdir(join(layout.blobsDir, alg)).catch(() => [] as string[])) {
          blobBytes += await stat(join(layout.blobsDir, alg, hex)).then((s) => s.blocks * 512, () => 0);
        }
      }
      const images: DiskUsage['images'] = [];
      let rootfsBytes = 0;
      for (const d of layout.images()) {
        const p = await parse(d.digest).catch(() => null);
        const own = p ? d.size + p.manifest.config.size + p.manifest.layers.reduce((n, l) => n + l.size, 0) : d.size;
        const tree = await rootfs.bytes(d.digest);
        rootfsBytes += tree ?? 0;
        images.push({ digest: d.digest, references: layout.referencesOf(d.digest), blobBytes: own, rootfsBytes: tree });
      }
      return { blobBytes, rootfsBytes, totalBytes: blobBytes + rootfsBytes, images };
    },
  };
}

