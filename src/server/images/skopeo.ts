// Copying an image into the store with skopeo: into a fresh OCI layout in the work dir, with
// every blob written (or found) in the store's shared blob dir, so that copies run side by side
// without touching the store's index.json (skopeo rewrites it whole, with no lock and no rename).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FcError } from '../errors.ts';
import { runTool } from './tool-process.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface SkopeoCopy {
  /** skopeo source, relative to `cwd` or absolute: `docker://…`, `docker-archive:source:@0`, … */
  source: string;
  /** Registry host the credentials are for (for `docker://` sources). */
  registry?: string;
  credentials?: Credentials;
  tlsVerify?: boolean;
  /** For `docker-daemon:` sources: the daemon's `unix://` socket (the tools never see $DOCKER_HOST). */
  daemonHost?: string;
  /** Work dir: skopeo runs here, the destination layout `layout/` is made here. */
  cwd: string;
  sharedBlobs: string;
  tmpDir: string;
  jobsDir: string;
  signal?: AbortSignal;
}

export const COPIED_LAYOUT = 'layout';
export const COPIED_REF = 'image';

/** Runs the copy; a failure is an FcError naming what failed (see explainSkopeoFailure). */
export async function skopeoCopy(bin: string, copy: SkopeoCopy, describe: string): Promise<void> {
  const args = [
    '--insecure-policy', // fnplay runs what its user names; there is no signature policy to apply
    '--tmpdir', copy.tmpDir,
    // FC runs linux/amd64 only: from a multi-platform index, copy that one, whatever this host is
    '--override-os', 'linux', '--override-arch', 'amd64',
    'copy', '--quiet',
    '--dest-shared-blob-dir', copy.sharedBlobs,
  ];
  if (copy.tlsVerify !== undefined) args.push(`--src-tls-verify=${copy.tlsVerify}`);
  if (copy.daemonHost) args.push('--src-daemon-host', copy.daemonHost);
  if (copy.credentials) {
    // An auth file, not --src-creds: arguments are readable by every user in /proc/<pid>/cmdline.
    const authFile = join(copy.cwd, 'auth.json');
    const auth = Buffer.from(`${copy.credentials.username}:${copy.credentials.password}`).toString('base64');
    await writeFile(authFile, JSON.stringify({ auths: { [copy.registry ?? '']: { auth } } }), { mode: 0o600 });
    args.push('--src-authfile', authFile);
  }
  args.push(copy.source, `oci:${COPIED_LAYOUT}:${COPIED_REF}`);
  const result = await runTool(bin, args, { cwd: copy.cwd, jobsDir: copy.jobsDir, signal: copy.signal }).done;
  if (result.code === 0) return;
  if (copy.signal?.aborted) throw new FcError('InvalidArgument', `${describe} was cancelled`);
  const secrets = copy.credentials ? [copy.credentials.password, Buffer.from(`${copy.credentials.username}:${copy.credentials.password}`).toString('base64')] : [];
  throw explainSkopeoFailure(describe, redact(skopeoMessage(result.stderr), secrets), copy);
}

/** skopeo ends with `level=fatal msg="…"`; that message, unquoted, or the last line. */
export function skopeoMessage(stderr: string): string {
  const fatal = [...stderr.matchAll(/level=fatal msg="((?:[^"\\]|\\.)*)"/g)].pop();
  if (fatal) return fatal[1].replace(/\\(.)/g, '$1');
  return stderr.trim().split('\n').pop() || 'skopeo failed without a message';
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join('***');
  return out;
}

function explainSkopeoFailure(describe: string, message: string, copy: SkopeoCopy): FcError {
  const because = `(skopeo: ${message})`;
  if (/no image found in (manifest list|image index)/i.test(message)) {
    return new FcError('InvalidArgument', `${describe} failed: the image has no linux/amd64 variant, and Function Compute runs only linux/amd64 images; build it with \`docker build --platform linux/amd64\` ${because}`);
  }
  if (!copy.registry) return new FcError('InvalidArgument', `${describe} failed ${because}`);
  const registry = `registry ${copy.registry}`;
  if (/server gave HTTP response to HTTPS client/.test(message)) {
    return new FcError('InvalidArgument', `${describe} failed: ${registry} speaks plain HTTP, not HTTPS; only registries on loopback are spoken to over plain HTTP unless TLS verification is turned off for the pull ${because}`);
  }
  if (/x509|certificate|tls:/i.test(message)) {
    return new FcError('InvalidArgument', `${describe} failed: ${registry}'s TLS certificate was not accepted ${because}`);
  }
  if (/pinging container registry|dial tcp|connection refused|no such host|i\/o timeout|network is unreachable|connection reset|EOF$/i.test(message)) {
    return new FcError('InvalidArgument', `${describe} failed: ${registry} is unreachable from this machine ${because}`);
  }
  if (/unauthorized|authentication required|denied|forbidden|401|403/i.test(message)) {
    const what = copy.credentials ? 'refused the credentials given' : 'requires credentials (none were given)';
    // Docker Hub answers a private or missing repository alike
    return new FcError('InvalidArgument', `${describe} failed: ${registry} ${what}, or the image does not exist there ${because}`);
  }
  if (/manifest unknown|name unknown|not found|404/i.test(message)) {
    return new FcError('InvalidArgument', `${describe} failed: ${registry} has no such image (unknown repository or tag) ${because}`);
  }
  return new FcError('InvalidArgument', `${describe} failed ${because}`);
}
