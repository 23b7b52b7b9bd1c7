// A layer's uncompressed size, which FC's image size limit is about and which the manifest does
// not carry: counted once by decompressing the blob (gzip's trailer holds the size only modulo
// 4 GiB, exactly where the limit matters), then kept in `<store>/sizes/` beside the layout.
import { createReadStream, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import type { Descriptor } from './oci-layout.ts';

export interface LayerSizes {
  /** Uncompressed bytes of the layer (the blob's size for an uncompressed one). */
  uncompressed(layer: Descriptor, blobPath: string): Promise<number>;
}

export function createLayerSizes(dir: string): LayerSizes {
  mkdirSync(dir, { recursive: true });
  // Concurrent inspects of images sharing a base layer count it once.
  const counting = new Map<string, Promise<number>>();
  const cachePath = (digest: string) => join(dir, digest.replace(':', '-'));

  async function count(layer: Descriptor, blobPath: string): Promise<number> {
    const cached = await readFile(cachePath(layer.digest), 'utf8').then(Number, () => NaN);
    if (Number.isFinite(cached)) return cached;
    const decompress = decompressorFor(layer.mediaType);
    if (decompress === null) return layer.size;
    let total = 0;
    const counter = new Writable({
      write(chunk: Buffer, _enc, done) {
        total += chunk.length;
        done();
      },
    });
    await pipeline(createReadStream(blobPath), decompress, counter);
    // The file is only a cache: a store that loses a race to write it (another store on this dir,
    // its trash sweep) still has the count.
    const tmp = `${cachePath(layer.digest)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, String(total))
      .then(() => rename(tmp, cachePath(layer.digest)))
      .catch(() => unlink(tmp).catch(() => {}));
    return total;
  }

  return {
    uncompressed(layer, blobPath) {
      let running = counting.get(layer.digest);
      if (!running) {
        running = count(layer, blobPath).finally(() => counting.delete(layer.digest));
        counting.set(layer.digest, running);
      }
      return running;
    },
  };
}

/** null for an uncompressed layer. */
function decompressorFor(mediaType: string): NodeJS.ReadWriteStream | null {
  if (/zstd/.test(mediaType)) {
    // Node has zstd from 22.15 on; without it a zstd layer cannot be measured (nor, by umoci
    // 0.4, unpacked), and says so.
    const make = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
    if (!make) throw new Error(`layer media type ${mediaType}: zstd-compressed layers are not supported here; push the image with gzip layers`);
    return make();
  }
  if (/gzip/.test(mediaType)) return zlib.createGunzip();
  if (/tar$/.test(mediaType)) return null;
  throw new Error(`layer media type ${mediaType} is not a tar layer fnplay can unpack`);
}
