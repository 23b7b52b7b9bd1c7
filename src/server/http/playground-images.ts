// The playground's image API (`/api/images…`, shapes in src/shared/images-api.ts): what the store
// holds and who uses it, imports of uploaded archives, pulls from registries, deletes. The token
// or signature check in front of it lives in app.ts.
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import type { Context, Hono } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { z } from 'zod';
import { FcError } from '../errors.ts';
import { parseReference, type ImageInfo } from '../images/index.ts';
import { parseBody } from '../resources/function-ops.ts';
import type { ImageList, ImageSummary, PullImageRequest } from '../../shared/images-api.ts';
import { header, jsonBody, param, type HttpDeps } from './context.ts';

/** The largest archive an import takes: FC's largest image (10 GB uncompressed, Enterprise) fits. */
export const MAX_IMPORT_BYTES = 10 * 1024 ** 3;

const DIGEST = /^sha256:[a-f0-9]{64}$/;

const pullRequest = z.strictObject({
  reference: z.string().min(1).max(1024),
  username: z.string().min(1).max(1024).optional(),
  password: z.string().min(1).max(16 * 1024).optional(),
}) satisfies z.ZodType<PullImageRequest>;

type User = ImageSummary['usedBy'][number];

export function registerImageRoutes(api: Hono, deps: HttpDeps) {
  // Uploads are written next to the image store, on its filesystem. A service killed mid-upload
  // leaves a partial archive there; nothing else writes the dir, so a new service clears it.
  const uploads = join(dirname(deps.images.dir), 'uploads');
  rmSync(uploads, { recursive: true, force: true });

  api.get('/images', async (c) => {
    const [infos, disk] = await Promise.all([deps.images.list(), deps.images.diskUsage()]);
    const list: ImageList = {
      images: summarize(deps, infos, disk.images),
      disk: { blobBytes: disk.blobBytes, rootfsBytes: disk.rootfsBytes, totalBytes: disk.totalBytes },
    };
    return c.json(list);
  });

  api.post('/images/import', async (c) => {
    // 1. what can be refused before a byte of the body is read
    let name: string | undefined;
    try {
      name = importName(c);
      const declared = header(c, 'content-length');
      if (declared !== undefined && Number(declared) > MAX_IMPORT_BYTES) throw tooLarge();
    } catch (err) {
      throw err instanceof FcError ? unread(c, err) : err;
    }
    // 2. the body, to a file: an archive can be gigabytes, never held in memory
    mkdirSync(uploads, { recursive: true });
    const file = join(uploads, `${randomBytes(8).toString('hex')}.archive`);
    try {
      const size = await receiveBody(c, file).catch((err: unknown) => {
        throw unread(c, err instanceof FcError ? err : new FcError('InvalidArgument', 'the upload was cut off before the whole archive arrived'));
      });
      if (size === 0) throw new FcError('InvalidArgument', 'the request body is empty: send the archive\'s bytes (docker save output, a .tar.gz of it, or an OCI archive)');
      // 3. the import: skopeo reads the archive, the store names what it holds
      const imported = await deps.images.import(file, { name, signal: disconnectSignal(c) });
      const disk = await deps.images.diskUsage();
      return c.json({ images: summarize(deps, imported, disk.images) });
    } finally {
      await unlink(file).catch(() => {});
    }
  });

  api.post('/images/pull', async (c) => {
    const req = parseBody(pullRequest, await jsonBody(c));
    if ((req.username === undefined) !== (req.password === undefined)) {
      throw new FcError('InvalidArgument', 'username and password go together: give both, or neither for a registry that needs no login');
    }
    parseReference(req.reference); // a malformed reference says why, before skopeo runs
    // Used for this pull only: passed to the store, which hands them to skopeo in a 0600 file and
    // redacts them from its errors; never stored, logged or answered.
    const credentials = req.username !== undefined ? { username: req.username, password: req.password! } : undefined;
    const info = await deps.images.pull(req.reference, { credentials, signal: disconnectSignal(c) });
    const disk = await deps.images.diskUsage();
    return c.json({ image: summarize(deps, [info], disk.images)[0] });
  });

  api.delete('/images/:digest', async (c) => {
    const digest = param(c, 'digest');
    if (!DIGEST.test(digest)) throw new FcError('InvalidArgument', `'${clip(digest)}' is not an image digest (sha256: and 64 hex digits, as GET /api/images lists them)`);
    if (deps.images.resolve(digest) !== digest) throw new FcError('ImageNotFound', `no image ${digest} in fnplay's image store`);
    const users = usersByDigest(deps).get(digest) ?? [];
    if (users.length > 0) {
      const names = users.map((u) => `${u.serviceName}/${u.functionName}`).join(', ');
      const advice = users.length === 1 ? `function ${names}: change its image or delete it first` : `functions ${names}: change their image or delete them first`;
      throw new FcError('ImageInUse', `image ${digest} is used by ${advice}`);
    }
    return c.json(await deps.images.remove(digest));
  });
}

/** The `name` query parameter: a reference to store the image by, with a tag (a digest is the image's own). */
function importName(c: Context): string | undefined {
  const names = c.req.queries('name') ?? [];
  if (names.length > 1) throw new FcError('InvalidArgument', 'name: give one reference to name the image by, not several');
  const name = names[0];
  if (name === undefined) return undefined;
  const ref = parseReference(name);
  if (ref.digest) throw new FcError('InvalidArgument', `name: '${clip(name)}' has a digest; name the image by a tag (the digest is the image's own, computed from it)`);
  return ref.normalized;
}

/**
 * Streams the request body into `file` (created new, 0600), refusing past MAX_IMPORT_BYTES;
 * returns its size. Piped, not pipeline(): a refusal must leave the request open (pipeline would
 * destroy it, and the socket with it) so that the 400 still reaches the client.
 */
function receiveBody(c: Context, file: string): Promise<number> {
  const incoming = (c.env as HttpBindings | undefined)?.incoming;
  const source: Readable | null = incoming ?? (c.req.raw.body ? Readable.fromWeb(c.req.raw.body as import('node:stream/web').ReadableStream) : null);
  if (!source) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    let size = 0;
    // A chunked body has no length to check up front: counted as it arrives.
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(size > MAX_IMPORT_BYTES ? tooLarge() : null, chunk);
      },
    });
    const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
    const fail = (err: unknown) => {
      source.unpipe(counter);
      out.destroy();
      reject(err);
    };
    source.once('error', fail);
    source.once('close', () => {
      if (!source.readableEnded) fail(new Error('the client went away'));
    });
    counter.once('error', fail);
    out.once('error', fail);
    out.once('close', () => {
      if (out.writableFinished) resolve(size);
    });
    source.pipe(counter).pipe(out);
  });
}

function tooLarge(): FcError {
  return new FcError('InvalidArgument', `the archive is larger than fnplay imports (${MAX_IMPORT_BYTES} bytes, 10 GiB); FC's largest images are 10 GB uncompressed`);
}

/**
 * An error answered before the body was read to its end: the connection is closed after the
 * answer, or Node would read (and discard) the rest of an upload of up to gigabytes first.
 */
function unread(c: Context, err: FcError): FcError {
  (c.env as HttpBindings | undefined)?.outgoing?.setHeader('connection', 'close');
  return err;
}

/** Aborts when the client goes away before its answer: an import or pull nobody waits for stops. */
function disconnectSignal(c: Context): AbortSignal | undefined {
  const outgoing = (c.env as HttpBindings | undefined)?.outgoing;
  if (!outgoing) return undefined;
  const ac = new AbortController();
  outgoing.once('close', () => {
    if (!outgoing.writableFinished) ac.abort();
  });
  return ac.signal;
}

/** Which functions use each digest: the digest their current revision resolved to, the one still serving, or what their reference names now. */
function usersByDigest(deps: HttpDeps): Map<string, User[]> {
  const users = new Map<string, User[]>();
  // A published version runs its image for as long as it exists, like LATEST.
  const published = deps.store.releases.allVersionFunctions().map((fn) => ({ ...fn, config: { ...fn.config, functionName: `${fn.config.functionName} (a published version)` } }));
  for (const fn of [...deps.store.resources.allFunctions(), ...published]) {
    const image = fn.config.customContainerConfig?.image;
    const digests = new Set([fn.imageDigest, fn.serving?.imageDigest, image ? deps.images.resolve(image) : null]);
    for (const digest of digests) {
      if (!digest) continue;
      const list = users.get(digest) ?? [];
      list.push({ serviceName: fn.serviceName, functionName: fn.config.functionName });
      users.set(digest, list);
    }
  }
  return users;
}

function summarize(deps: HttpDeps, infos: ImageInfo[], disk: { digest: string; rootfsBytes: number | null }[]): ImageSummary[] {
  const rootfs = new Map(disk.map((d) => [d.digest, d.rootfsBytes]));
  const users = usersByDigest(deps);
  return infos.map((i) => ({ ...i, rootfsBytes: rootfs.get(i.digest) ?? null, usedBy: users.get(i.digest) ?? [] }));
}

/** A user's input, short enough to quote in a message. */
function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
