import type { ImageSummary } from '../../shared/images-api.ts';

/**
 * A reference as the image store keys it (Docker's normalization, as the service applies it):
 * `node:20` is `docker.io/library/node:20`, a first component with a dot or a colon or named
 * localhost is a registry, no tag or digest means `:latest`. Only for matching a typed reference
 * to the listed images; the service is the one that checks a reference.
 */
export function normalizeReference(input: string): string {
  let rest = input.trim();
  let digest = '';
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  let domain = 'docker.io';
  let path = rest;
  if (slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    domain = first === 'index.docker.io' ? 'docker.io' : first;
    path = rest.slice(slash + 1);
  }
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!tag && !digest) tag = ':latest';
  return `${domain}/${path}${tag}${digest}`;
}

/** The stored image a function's image field names: by reference, or by digest (`name@sha256:…`, `sha256:…`). */
export function findImage(images: readonly ImageSummary[], reference: string): ImageSummary | null {
  const ref = reference.trim();
  if (ref === '') return null;
  const digest = /(?:^|@)(sha256:[0-9a-f]{64})$/.exec(ref)?.[1];
  if (digest) return images.find((i) => i.digest === digest) ?? null;
  const normalized = normalizeReference(ref);
  return images.find((i) => i.references.includes(normalized) || i.references.includes(ref)) ?? null;
}

/** `sha256:0123456789ab`: enough of a digest to tell images and layers apart on screen. */
export const shortDigest = (digest: string) => digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1');
