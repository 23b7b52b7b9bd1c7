import { FcError } from '../errors.ts';
import type { ImageStore, UnpackProgress } from '../images/index.ts';
import type { LiveHub } from '../logs/index.ts';
import type { FunctionRecord, ResourceRepo } from '../store/index.ts';

/** Progress events at most this often per function: an unpack reports every 200 ms per layer. */
const PROGRESS_EVERY_MS = 250;

/**
 * A custom-container function's acceleration (seed 000 §5.6, SPEC §6): 1. its image reference is
 * found in the image store, or copied from a local Docker/Podman daemon that has it, or pulled
 * (skopeo) from its registry; 2. the image is unpacked once
 * per digest into the tree instances share (umoci). Preparing → Ready, or Failed with the reason;
 * progress is pushed live. Keyed by revision: a newer update's preparation wins.
 */
export function createImagePreparation(deps: { repo: ResourceRepo; images: ImageStore; hub: LiveHub; onReady: (serviceName: string, functionName: string, revision: number) => void }) {
  const { repo, images, hub } = deps;

  return {
    prepare(fn: FunctionRecord) {
      const { serviceName, revision } = fn;
      const { functionName } = fn.config;
      const ccc = fn.config.customContainerConfig!;
      let lastProgress = 0;
      const publish = (status: 'Preparing' | 'Ready' | 'Failed', reason: string | null, progress?: { phase: 'pulling' | 'unpacking'; layersDone?: number; layers?: number; bytesDone?: number; bytes?: number }) =>
        hub.publish({ type: 'acceleration', serviceName, functionName, codeChecksum: fn.codeChecksum, status, reason, ...(progress ? { progress } : {}) });
      const onUnpack = (p: UnpackProgress) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_EVERY_MS && p.layersDone !== p.layers) return;
        lastProgress = now;
        publish('Preparing', null, { phase: 'unpacking', ...p });
      };
      void (async () => {
        // 1. the digest: found in the store, or pulled from the registry
        const digest = await images.obtain(ccc.image, () => publish('Preparing', null, { phase: 'pulling' }));
        repo.setImageDigest(serviceName, functionName, revision, digest);
        // 2. the shared root filesystem; with accelerationType None every cold start unpacks for itself
        if (ccc.accelerationType !== 'None') await images.unpack(digest, onUnpack);
        else await images.inspect(digest).then((i) => { if (i.problem) throw new FcError('InvalidArgument', i.problem); });
        return digest;
      })().then(
        (digest) => {
          if (!repo.setImageReady(serviceName, functionName, revision, digest)) return;
          publish('Ready', null);
          deps.onReady(serviceName, functionName, revision);
        },
        (err: Error) => {
          if (!repo.setImageFailed(serviceName, functionName, revision, err.message)) return;
          publish('Failed', err.message);
          // What served before keeps no one waiting: the new revision's own error answers now.
          deps.onReady(serviceName, functionName, revision);
        },
      ).catch(() => {
        // The service closed (its store with it) meanwhile: the next start resumes it.
      });
    },
  };
}
export type ImagePreparation = ReturnType<typeof createImagePreparation>;
