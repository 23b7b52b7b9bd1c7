// Image references as Docker reads them (distribution/reference's ParseNormalizedNamed): `node:20`
// means `docker.io/library/node:20`, a first component with a dot, a colon or named localhost
// is a registry, and a reference without tag or digest means `:latest`. Images are stored and
// looked up by the normalized form only, so `node`, `library/node` and
// `docker.io/library/node:latest` are one image.
import { FcError } from '../errors.ts';

export interface ImageReference {
  /** Registry host[:port], e.g. `docker.io`, `127.0.0.1:5000`. */
  domain: string;
  /** Repository path inside the registry, e.g. `library/node`. */
  path: string;
  tag: string | null;
  digest: string | null;
  /** `domain/path[:tag][@digest]`, with `:latest` when neither was given. */
  normalized: string;
}

const DEFAULT_DOMAIN = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
// Docker's own limit on a repository name (domain and path).
const MAX_NAME = 255;

export function parseReference(input: string): ImageReference {
  const bad = (why: string) => new FcError('InvalidArgument', `image reference '${input}' is invalid: ${why}`);
  if (input.length === 0 || input.trim() !== input || /\s/.test(input)) throw bad('it is empty or contains whitespace');
  let rest = input;
  let digest: string | null = null;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`'${digest}' is not a digest (algorithm:hex, e.g. sha256:…)`);
  }
  let tag: string | null = null;
  // A colon after the last slash starts the tag; one before it belongs to a registry port.
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag '${tag}' must be 1-128 of letters, digits, '_', '.', '-' and not start with '.' or '-'`);
  }
  if (rest.length === 0) throw bad('it has no repository name');

  let domain = DEFAULT_DOMAIN;
  let path = rest;
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  // Docker's rule: the first component is a registry when it could not be a repository name.
  if (slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first)) {
    domain = first;
    path = rest.slice(slash + 1);
    if (!DOMAIN.test(domain)) throw bad(`'${domain}' is not a registry host[:port]`);
  }
  if (domain === 'index.docker.io') domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  for (const component of path.split('/')) {
    if (component !== component.toLowerCase()) throw bad('repository names must be lowercase');
    if (!COMPONENT.test(component)) throw bad(`'${component}' is not a repository path component (lowercase letters, digits, and '.', '_', '__' or '-' between them)`);
  }
  const name = `${domain}/${path}`;
  if (name.length > MAX_NAME) throw bad(`the repository name is longer than ${MAX_NAME} characters`);
  if (tag === null && digest === null) tag = 'latest';
  const normalized = `${name}${tag !== null ? `:${tag}` : ''}${digest !== null ? `@${digest}` : ''}`;
  return { domain, path, tag, digest, normalized };
}

export function normalizeReference(input: string): string {
  return parseReference(input).normalized;
}

/**
 * Docker speaks plain HTTP to registries on loopback (127.0.0.0/8, ::1, localhost) and HTTPS
 * everywhere else; fnplay does the same.
 */
export function isLoopbackRegistry(domain: string): boolean {
  const host = domain.startsWith('[') ? domain.slice(1, domain.indexOf(']')) : domain.replace(/:\d+$/, '');
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
