// Public face of images/: OCI images imported or pulled with skopeo, unpacked once per digest
// with umoci into root filesystems for custom-container instances (SPEC §4, §6).
export { createImageStore, type DiskUsage, type ImageStore, type ImageStoreConfig, type ImportOptions, type PullOptions } from './image-store.ts';
export { FC_IMAGE_SIZE_LIMITS, gigabytes, type ImageInfo, type ImageLayer } from './image-info.ts';
export { isLoopbackRegistry, normalizeReference, parseReference, type ImageReference } from './reference.ts';
export type { Credentials } from './skopeo.ts';
export type { UnpackProgress } from './umoci-unpack.ts';
export { resolveImageUser, type ImageUser } from './image-user.ts';
// A tree from unpackTo may hold read-only directories (images have them): remove it with this.
export { removeTree as removeImageTree } from './rootfs-tree.ts';
