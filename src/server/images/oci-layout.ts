// The store's OCI image layout (`<store>/layout`): blobs by digest, and index.json naming each
// image by its normalized reference (the `org.opencontainers.image.ref.name` annotation, as
// skopeo and umoci write it), so `skopeo inspect oci:<store>/layout:<ref>` reads it too. A
// digest no reference names any more stays listed without a name: a revision that was created
// with it may still run it, and only remove() lets it go.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface OciManifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface OciConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  created?: string;
  config?: {
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Env?: string[] | null;
    WorkingDir?: string;
    User?: string;
    ExposedPorts?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
  };
}

export const REF_ANNOTATION = 'org.opencontainers.image.ref.name';
const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

export interface StoreLayout {
  readonly dir: string;
  readonly blobsDir: string;
  blobPath(digest: string): string;
  readJson<T>(digest: string): Promise<T>;
  /** Every stored image's manifest descriptor, once per digest. */
  images(): Descriptor[];
  find(digest: string): Descriptor | null;
  digestOf(reference: string): string | null;
  referencesOf(digest: string): string[];
  /** Points each reference at `manifest` (moving it off any other digest) and saves index.json. */
  name(manifest: Descriptor, references: string[]): Promise<void>;
  /** Forgets the digest and every reference to it, and saves index.json. */
  forget(digest: string): Promise<void>;
}

export function openStoreLayout(dir: string): StoreLayout {
  const blobsDir = join(dir, 'blobs');
  mkdirSync(join(blobsDir, 'sha256'), { recursive: true });
  if (!existsSync(join(dir, 'oci-layout'))) writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const indexPath = join(dir, 'index.json');
  // The index lives in memory and is written whole after each change, through a rename so that
  // a kill mid-write leaves the previous index, never half of one.
  const byDigest = new Map<string, Descriptor>();
  const refs = new Map<string, string>(); // reference → digest
  if (existsSync(indexPath)) {
    const index = JSON.parse(readFileSync(indexPath, 'utf8')) as { manifests?: Descriptor[] };
    for (const m of index.manifests ?? []) {
      if (!isDigest(m.digest)) continue;
      byDigest.set(m.digest, { mediaType: m.mediaType, digest: m.digest, size: m.size });
      const ref = m.annotations?.[REF_ANNOTATION];
      if (ref) refs.set(ref, m.digest);
    }
  }
  let saving: Promise<void> = Promise.resolve();
  let saves = 0;
  const save = () => {
    const manifests: Descriptor[] = [];
    for (const d of byDigest.values()) {
      const names = [...refs].filter(([, digest]) => digest === d.digest).map(([ref]) => ref).sort();
      if (names.length === 0) manifests.push(d);
      for (const ref of names) manifests.push({ ...d, annotations: { [REF_ANNOTATION]: ref } });
    }
    const body = JSON.stringify({ schemaVersion: 2, manifests });
    const tmp = `${indexPath}.${process.pid}.${saves++}.tmp`;
    saving = saving.catch(() => {}).then(async () => {
      await writeFile(tmp, body);
      await rename(tmp, indexPath);
    });
    return saving;
  };

  const blobPath = (digest: string) => {
    if (!isDigest(digest)) throw new Error(`'${digest}' is not a digest`);
    const [alg, hex] = digest.split(':');
    return join(blobsDir, alg, hex);
  };

  return {
    dir,
    blobsDir,
    blobPath,
    async readJson<T>(digest: string) {
      return JSON.parse(await readFile(blobPath(digest), 'utf8')) as T;
    },
    images: () => [...byDigest.values()],
    find: (digest) => byDigest.get(digest) ?? null,
    digestOf: (reference) => refs.get(reference) ?? null,
    referencesOf: (digest) => [...refs].filter(([, d]) => d === digest).map(([r]) => r).sort(),
    name(manifest, references) {
      byDigest.set(manifest.digest, { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size });
      for (const ref of references) refs.set(ref, manifest.digest);
      return save();
    },
    forget(digest) {
      byDigest.delete(digest);
      for (const [ref, d] of [...refs]) if (d === digest) refs.delete(ref);
      return save();
    },
  };
}
