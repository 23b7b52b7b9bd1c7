// One image's layers unpacked into a root filesystem by umoci, rootless: files end up owned by
// the user the service runs as (whatever the layers say), whiteouts are applied as deletions,
// and nothing needs root. umoci reads a layout of one image made for the run, whose blobs are
// the store's (a symlink), so it never reads the store's index.json while a copy rewrites it.
// umoci splits `--image` at a colon, so it runs in the work dir and is given a relative path.
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FcError } from '../errors.ts';
import type { ImageLayer } from './image-info.ts';
import type { Descriptor } from './oci-layout.ts';
import { runTool } from './tool-process.ts';

export interface UnpackProgress {
  layersDone: number;
  layers: number;
  /** Uncompressed bytes written so far (estimated within a layer from what umoci has read). */
  bytesDone: number;
  bytes: number;
}

export interface UmociUnpack {
  /** umoci runs here; the one-image layout is made here. */
  workDir: string;
  blobsDir: string;
  manifest: Descriptor;
  layers: ImageLayer[];
  /** Where the root filesystem goes; must not exist yet. */
  dest: string;
  jobsDir: string;
  onProgress?: (p: UnpackProgress) => void;
  signal?: AbortSignal;
}

const POLL_MS = 200;

export async function umociUnpack(bin: string, u: UmociUnpack, describe: string): Promise<void> {
  await writeLayout(join(u.workDir, 'layout'), u.blobsDir, u.manifest);
  const bytes = u.layers.reduce((n, l) => n + l.uncompressedSize, 0);
  // compressed offsets where each layer starts, in the order umoci reads them
  const starts: number[] = [];
  u.layers.reduce((at, l) => (starts.push(at), at + l.size), 0);
  let current = -1; // the layer umoci is unpacking, from its log
  let finished = false;
  let last = '';
  const report = (layersDone: number, bytesDone: number) => {
    const p = { layersDone, layers: u.layers.length, bytesDone: Math.min(Math.round(bytesDone), bytes), bytes };
    const key = JSON.stringify(p);
    if (key !== last) {
      last = key;
      u.onProgress?.(p);
    }
  };
  const doneBytes = (n: number) => u.layers.slice(0, n).reduce((s, l) => s + l.uncompressedSize, 0);
  report(0, 0);

  const run = runTool(bin, ['--log', 'info', 'raw', 'unpack', '--rootless', '--image', 'layout:image', u.dest], {
    cwd: u.workDir,
    jobsDir: u.jobsDir,
    signal: u.signal,
    onStderr(chunk) {
      for (const m of chunk.matchAll(/unpack layer: (sha\d+:[a-f0-9]+)/g)) {
        const i = u.layers.findIndex((l, idx) => idx > current && l.digest === m[1]);
        if (i !== -1) current = i;
      }
    },
  });
  // Within a layer, what umoci has read of it (rchar: its read() bytes, almost all blob data)
  // says how far it is.
  const timer = setInterval(() => {
    if (current < 0) return;
    readFile(`/proc/${run.pid}/io`, 'utf8').then((io) => {
      // A read that was under way when umoci ended must not report after the final 100 %.
      if (finished) return;
      const rchar = Number(/rchar: (\d+)/.exec(io)?.[1] ?? 0);
      const layer = u.layers[current];
      const within = layer.size > 0 ? Math.max(0, Math.min(1, (rchar - starts[current]) / layer.size)) : 1;
      report(current, doneBytes(current) + within * layer.uncompressedSize);
    }, () => {});
  }, POLL_MS);
  let result;
  try {
    result = await run.done;
  } finally {
    finished = true;
    clearInterval(timer);
  }
  if (result.code !== 0) {
    if (u.signal?.aborted) throw new FcError('InvalidArgument', `${describe} was cancelled`);
    const message = result.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/unpack layer:|unpacking rootfs/.test(l)).pop() ?? `exit ${result.code ?? result.signal}`;
    throw new FcError('InternalServerError', `${describe} failed (umoci: ${message})`);
  }
  report(u.layers.length, bytes);
}

async function writeLayout(layout: string, blobsDir: string, manifest: Descriptor) {
  await mkdir(layout);
  await writeFile(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const entry = { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.size, annotations: { 'org.opencontainers.image.ref.name': 'image' } };
  await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [entry] }));
  await symlink(blobsDir, join(layout, 'blobs'));
}
