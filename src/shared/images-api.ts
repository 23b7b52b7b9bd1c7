// Shapes of the playground's image API (`/api/images…`): the images custom-container functions run.

/** One layer of an image, as stored and unpacked. */
export interface ImageLayer {
  digest: string;
  mediaType: string;
  /** Bytes as stored (compressed). */
  size: number;
  uncompressedSize: number;
}

/** What fnplay knows of a stored image (what `docker inspect` shows that FC uses), and whether FC would run it. */
export interface ImageInfo {
  /** The manifest's digest in this store (`sha256:…`): what root filesystems are keyed by. */
  digest: string;
  /** Normalized references naming it here (`docker.io/library/node:20`, `127.0.0.1:5000/fc/app:v1`). */
  references: string[];
  os: string;
  architecture: string;
  variant: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  env: string[];
  workingDir: string;
  /** As the image says (`name`, `uid`, `uid:gid`); empty means root, FC's default too. */
  user: string;
  exposedPorts: string[];
  labels: Record<string, string>;
  created: string | null;
  layers: ImageLayer[];
  /** Sum of the layers as stored. */
  size: number;
  uncompressedSize: number;
  /** Why FC would not run it (wrong platform, too big), with the advice; null if it would. */
  problem: string | null;
}

/** One image as `GET /api/images` lists it: what the store knows, its unpacked size and who uses it. */
export interface ImageSummary extends ImageInfo {
  /** Bytes of its unpacked (accelerated) root filesystem, null when not unpacked. */
  rootfsBytes: number | null;
  /** Functions whose configuration names it (current revision, or the one still serving). */
  usedBy: { serviceName: string; functionName: string }[];
}

/** `GET /api/images` */
export interface ImageList {
  images: ImageSummary[];
  disk: { blobBytes: number; rootfsBytes: number; totalBytes: number };
}

/** `POST /api/images/pull` body; credentials are used once and never stored or logged. */
export interface PullImageRequest {
  reference: string;
  username?: string;
  password?: string;
}
