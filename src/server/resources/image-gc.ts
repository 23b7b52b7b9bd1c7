import type { ImageStore } from '../images/index.ts';
import type { LiveHub } from '../logs/index.ts';
import type { FunctionRecord, ResourceRepo } from '../store/index.ts';

/** How long an image nothing uses any more keeps its disk, by default (a redeploy in between needs no new pull). */
export const DEFAULT_IMAGE_GRACE_MS = 10 * 60 * 1000;

/**
 * Frees the disk of images functions stopped using (SPEC §6): once no function's configuration
 * (current revision, or the one still serving) and no running instance uses an image, it is
 * removed after a grace. Only images some function used while this service ran are candidates:
 * one imported and not yet used is the user's to delete (the playground's image list).
 */
/** `versionFunctions`: the functions published versions hold; a version runs its image as long as it exists. */
export function createImageGc(deps: { repo: ResourceRepo; versionFunctions: () => FunctionRecord[]; images: ImageStore; hub: LiveHub; graceMs: number; runningDigests: () => Iterable<string> }) {
  const unusedSince = new Map<string, number>(); // digest → when it was first seen unused
  const used = new Set<string>(); // digests some function used while this service ran
  let sweeping: Promise<void> | null = null;

  function digestsInUse(): Set<string> {
    const inUse = new Set<string>(deps.runningDigests());
    for (const fn of [...deps.repo.allFunctions(), ...deps.versionFunctions()]) {
      const ccc = fn.config.customContainerConfig;
      if (!ccc) continue;
      for (const d of [fn.imageDigest, fn.serving?.imageDigest, deps.images.resolve(ccc.image)]) if (d) inUse.add(d);
    }
    return inUse;
  }

  async function sweepOnce() {
    const now = Date.now();
    const inUse = digestsInUse();
    for (const d of inUse) {
      used.add(d);
      unusedSince.delete(d);
    }
    for (const d of used) {
      if (inUse.has(d)) continue;
      const since = unusedSince.get(d) ?? now;
      unusedSince.set(d, since);
      if (now - since < deps.graceMs) continue;
      used.delete(d);
      unusedSince.delete(d);
      // 1. the tree, the names, the blobs no other image shares (image-store remove)
      const { freedBytes } = await deps.images.remove(d).catch(() => ({ freedBytes: 0 }));
      deps.hub.publish({ type: 'image-removed', digest: d, freedBytes });
    }
  }

  const timer = setInterval(() => void sweep(), Math.max(50, Math.min(deps.graceMs / 2, 30_000)));
  timer.unref();

  function sweep(): Promise<void> {
    sweeping ??= sweepOnce().catch(() => {}).finally(() => (sweeping = null));
    return sweeping;
  }

  return {
    /** Looks now (a function was deleted or changed its image): starts the grace of what became unused. */
    sweep,
    close: () => clearInterval(timer),
  };
}
export type ImageGc = ReturnType<typeof createImageGc>;
