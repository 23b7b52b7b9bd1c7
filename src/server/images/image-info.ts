// What fnplay knows of a stored image (what `docker inspect` shows that FC uses), and whether FC
// would run it: linux/amd64 only, and no bigger uncompressed than the limit (seed 000 §5.1).
import type { ImageInfo } from '../../shared/images-api.ts';
import type { OciConfig, OciManifest } from './oci-layout.ts';

// The shapes are shared with the playground (src/shared/images-api.ts).
export type { ImageInfo, ImageLayer } from '../../shared/images-api.ts';

/** FC's limits on an image's uncompressed size (seed 000 §5.1). */
export const FC_IMAGE_SIZE_LIMITS = {
  /** ACR Personal Edition and Enterprise Edition Basic. */
  standard: 3 * 1024 ** 3,
  /** ACR Enterprise Edition Standard and Advanced. */
  enterprise: 10 * 1024 ** 3,
} as const;

export function describeImage(
  digest: string,
  references: string[],
  manifest: OciManifest,
  config: OciConfig,
  uncompressed: number[],
  maxUncompressedBytes: number,
): ImageInfo {
  const c = config.config ?? {};
  const layers = manifest.layers.map((l, i) => ({ digest: l.digest, mediaType: l.mediaType, size: l.size, uncompressedSize: uncompressed[i] }));
  const info: ImageInfo = {
    digest,
    references,
    os: config.os ?? '',
    architecture: config.architecture ?? '',
    variant: config.variant ?? null,
    entrypoint: c.Entrypoint ?? null,
    cmd: c.Cmd ?? null,
    env: c.Env ?? [],
    workingDir: c.WorkingDir ?? '',
    user: c.User ?? '',
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    labels: c.Labels ?? {},
    created: config.created ?? null,
    layers,
    size: layers.reduce((n, l) => n + l.size, 0),
    uncompressedSize: layers.reduce((n, l) => n + l.uncompressedSize, 0),
    problem: null,
  };
  info.problem = platformProblem(info) ?? sizeProblem(info, maxUncompressedBytes);
  return info;
}

function platformProblem(info: ImageInfo): string | null {
  if (info.os === 'linux' && info.architecture === 'amd64') return null;
  const name = info.references[0] ?? info.digest;
  const platform = `${info.os || 'unknown os'}/${info.architecture || 'unknown architecture'}${info.variant ? `/${info.variant}` : ''}`;
  return `image ${name} is built for ${platform}; Function Compute runs only linux/amd64 images. On an Apple silicon Mac or another ARM machine, build it with \`docker build --platform linux/amd64 -t $IMAGE_NAME .\`; \`docker inspect\` then shows "Architecture": "amd64"`;
}

function sizeProblem(info: ImageInfo, max: number): string | null {
  if (info.uncompressedSize <= max) return null;
  const name = info.references[0] ?? info.digest;
  return `image ${name} is ${gigabytes(info.uncompressedSize)} uncompressed, over this service's limit of ${gigabytes(max)} (Function Compute takes up to 3 GB from ACR Personal Edition and Enterprise Edition Basic, 10 GB from Enterprise Edition Standard and Advanced); make the image smaller (a slimmer base, fewer files) or raise the limit`;
}

export function gigabytes(bytes: number): string {
  const gb = bytes / 1024 ** 3;
  if (Number.isInteger(gb)) return `${gb} GB`;
  if (gb >= 0.01) return `${gb.toFixed(2)} GB`;
  return `${(bytes / 1024 ** 2).toFixed(2)} MB`;
}
