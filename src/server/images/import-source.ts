// What a user hands to `import`: a `docker save` archive, an OCI archive or an OCI layout
// directory, told apart by what is inside (an explicit `docker-archive:`, `oci-archive:` or
// `oci:` prefix is honoured too), and the images in it with the names they carry.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, readFile, stat, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { FcError } from '../errors.ts';
import { parseReference } from './reference.ts';
import { listTar, readTarJson } from './tar-listing.ts';

export type SourceKind = 'docker-archive' | 'oci-archive' | 'oci';

export interface SourceImage {
  /** What skopeo copies from, relative to the work dir (skopeo runs there), e.g. `docker-archive:source:@0`. */
  transport: string;
  /** Normalized references the archive gives this image (may be empty). */
  names: string[];
  /** How messages name it: the archive's own tag or its position. */
  label: string;
}

export interface ImportSource {
  kind: SourceKind;
  images: SourceImage[];
}

const PREFIXES: SourceKind[] = ['docker-archive', 'oci-archive', 'oci'];
// Skopeo's transport syntax splits at colons, and the data dir's path may have one: skopeo runs
// in the work dir and is given this relative name.
const LINK = 'source';

/**
 * Reads the source and links it into `workDir` as `source`; a gzipped archive is decompressed
 * there instead, because skopeo reads a gzipped `docker save` archive as a broken tar.
 */
export async function readImportSource(source: string, workDir: string): Promise<ImportSource> {
  let forced: SourceKind | null = null;
  let path = source;
  for (const prefix of PREFIXES) {
    if (source.startsWith(`${prefix}:`)) {
      forced = prefix;
      path = source.slice(prefix.length + 1);
      break;
    }
  }
  const st = await stat(path).catch(() => null);
  if (!st) throw new FcError('InvalidArgument', `cannot import '${path}': no such file or directory`);
  const link = join(workDir, LINK);
  if (st.isDirectory()) {
    if (forced && forced !== 'oci') throw new FcError('InvalidArgument', `'${path}' is a directory, not a ${forced} file`);
    const index = await readFile(join(path, 'index.json'), 'utf8').then(JSON.parse, () => null);
    const hasLayout = await stat(join(path, 'oci-layout')).then(() => true, () => false);
    if (!hasLayout || !index) {
      throw new FcError('InvalidArgument', `'${path}' is a directory but not an OCI image layout (no oci-layout and index.json in it); give a docker save archive, an OCI archive or an OCI layout`);
    }
    await symlink(resolve(path), link);
    return { kind: 'oci', images: ociImages('oci', index, path) };
  }
  if (await isGzip(path)) {
    await pipeline(createReadStream(path), createGunzip(), createWriteStream(link));
  } else {
    await symlink(resolve(path), link);
  }
  const members = await listTar(link).catch((err: Error) => {
    throw new FcError('InvalidArgument', `'${path}' is not an image archive (docker save output or an OCI archive) nor an OCI layout directory: ${err.message}`);
  });
  const names = new Set(members.map((m) => m.name));
  const kind: SourceKind | null = forced ?? (names.has('manifest.json') ? 'docker-archive' : names.has('index.json') && names.has('oci-layout') ? 'oci-archive' : null);
  if (kind === 'docker-archive') {
    const manifest = await readTarJson(link, members, 'manifest.json');
    if (!Array.isArray(manifest) || manifest.length === 0) throw new FcError('InvalidArgument', `'${path}' has no images in its manifest.json: not a docker save archive`);
    return {
      kind,
      images: manifest.map((entry: { RepoTags?: string[] | null }, i: number) => {
        const tags = (entry?.RepoTags ?? []).map((t) => namedBy(t)).filter((t): t is string => t !== null);
        return { transport: `docker-archive:${LINK}:@${i}`, names: [...new Set(tags)], label: tags[0] ?? `image #${i + 1}` };
      }),
    };
  }
  if (kind === 'oci-archive') {
    const index = await readTarJson(link, members, 'index.json');
    if (!index) throw new FcError('InvalidArgument', `'${path}' has no index.json: not an OCI archive`);
    return { kind, images: ociImages('oci-archive', index, path) };
  }
  if (kind === 'oci') throw new FcError('InvalidArgument', `'${path}' is a file; oci: names an OCI layout directory`);
  throw new FcError('InvalidArgument', `'${path}' is a tar archive but neither a docker save archive (manifest.json) nor an OCI archive (index.json and oci-layout)`);
}

interface OciIndex {
  manifests?: { annotations?: Record<string, string> }[];
}

function ociImages(kind: 'oci' | 'oci-archive', index: unknown, path: string): SourceImage[] {
  const manifests = (index as OciIndex)?.manifests ?? [];
  if (!Array.isArray(manifests) || manifests.length === 0) throw new FcError('InvalidArgument', `'${path}' holds no image (its index.json lists no manifests)`);
  return manifests.map((m, i) => {
    const refName = m.annotations?.['org.opencontainers.image.ref.name'];
    // containerd (and Docker 25+) keep the full name here and only the tag in ref.name
    const full = m.annotations?.['io.containerd.image.name'];
    const name = (full && namedBy(full)) || (refName && /[:/]/.test(refName) ? namedBy(refName) : null);
    if (!refName && manifests.length > 1) {
      throw new FcError('InvalidArgument', `'${path}' holds ${manifests.length} images and image #${i + 1} has no org.opencontainers.image.ref.name to select it by; export one image per archive`);
    }
    return { transport: refName ? `${kind}:${LINK}:${refName}` : `${kind}:${LINK}`, names: name ? [name] : [], label: refName ?? `image #${i + 1}` };
  });
}

/** A name the archive carries, normalized; null when it is not a reference (e.g. a bare tag like `latest`). */
function namedBy(name: string): string | null {
  try {
    return parseReference(name).normalized;
  } catch {
    return null;
  }
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    await fh.read(buf, 0, 2, 0);
    return buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}
