import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGoBinary, buildImage, createLayout, exportImage, missingImageTools, type LayerSpec } from '../../test/helpers/oci-images.ts';
import type { Progress } from './progress.ts';

const MB = 1024 * 1024;
// Random bytes are split into files of this size, so no single write is huge.
const FILE_BYTES = 25 * MB;
const SERVER_CONFIG = { entrypoint: ['/server'], exposedPorts: ['9000/tcp'], env: ['PATH=/'] };

/** What scenario 10 needs installed: the test helpers' image tools and Go. */
export const missingContainerTools = () => missingImageTools({ go: true });

export interface BenchImage {
  /** The reference it is imported under and functions name. */
  reference: string;
  /** A `docker save` archive of it (skopeo's docker-archive). */
  archive: string;
  /** Its tag in the build layout (for the tool floors). */
  tag: string;
  /** Bytes of its layers, uncompressed as written. */
  bytes: number;
  buildMs: number;
  exportMs: number;
}

/**
 * A scratch dir holding one OCI layout (umoci) and the images scenario 10 runs, built from
 * test/helpers/oci-images.ts: `small` is the static Go echo server alone (GO_SERVER_SOURCE, on
 * 0.0.0.0:9000), `large` the same layer plus `layers` layers of random (incompressible) files
 * making `largeBytes` in all. Each is exported as a docker-archive, as a user's `docker save`.
 */
export async function containerImageWorkspace() {
  const root = mkdtempSync(join(tmpdir(), 'fnplay-bench-images-'));
  const layout = await createLayout(join(root, 'layout'));
  const server = await buildGoBinary();
  const serverLayer: LayerSpec = { files: { server: { from: server, mode: 0o755 } } };
  const exported = async (tag: string, bytes: number, buildMs: number): Promise<BenchImage> => {
    const reference = `fnplay-bench.local/container/${tag}:v1`;
    const archive = join(root, `${tag}.tar`);
    const t0 = performance.now();
    await exportImage(layout, tag, 'docker-archive', archive, reference);
    return { reference, archive, tag, bytes, buildMs, exportMs: performance.now() - t0 };
  };

  return {
    root,
    layout,
    /** The Go server binary in the images: the bare floor runs it. */
    server,
    async small(): Promise<BenchImage> {
      const t0 = performance.now();
      await buildImage(layout, 'small', { layers: [serverLayer], config: SERVER_CONFIG });
      return exported('small', statSync(server).size, performance.now() - t0);
    },
    /** The large image; progress shows the layers' bytes as umoci writes them (gzip of random data is slow). */
    async large(opts: { bytes: number; layers: number; progress: Progress }): Promise<BenchImage> {
      const perLayer = Math.ceil(opts.bytes / opts.layers / FILE_BYTES);
      const layers: LayerSpec[] = [serverLayer];
      for (let l = 0; l < opts.layers; l++) {
        const files: LayerSpec['files'] = {};
        for (let i = 0; i < perLayer; i++) files[`data/layer-${l}/random-${i}.bin`] = randomBytes(FILE_BYTES);
        layers.push({ files });
      }
      const bytes = opts.layers * perLayer * FILE_BYTES + statSync(server).size;
      const totalMB = Math.round(bytes / MB);
      const tick = opts.progress.counter(`building the large image (${opts.layers} layers of random files + the server): MB of layers written`, totalMB);
      const before = dirBytes(join(layout, 'blobs'));
      const timer = setInterval(() => tick(Math.min(totalMB - 1, Math.round((dirBytes(join(layout, 'blobs')) - before) / MB))), 1000);
      const t0 = performance.now();
      try {
        await buildImage(layout, 'large', { layers, config: SERVER_CONFIG });
      } finally {
        clearInterval(timer);
      }
      tick(totalMB);
      return exported('large', bytes, performance.now() - t0);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
export type ContainerImageWorkspace = Awaited<ReturnType<typeof containerImageWorkspace>>;

/** Bytes of the files under `dir` (umoci writes a blob in place before it names it). */
function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    try {
      n += statSync(join(e.parentPath, e.name)).size;
    } catch {
      // renamed or removed meanwhile
    }
  }
  return n;
}
