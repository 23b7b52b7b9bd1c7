// Shapes of the playground's image API (`/api/images…`): the images custom-container functions run.

/** One image in fnplay's store, as `GET /api/images` lists it (the server's ImageInfo). */
export interface ImageSummary {
  /** The manifest digest (`sha256:…`): what root filesystems are keyed by. */
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
  user: string;
  exposedPorts: string[];
  created: string | null;
  layers: { digest: string; mediaType: string; size: number; uncompressedSize: number }[];
  /** Bytes as stored (compressed layers). */
  size: number;
  uncompressedSize: number;
  /** Why FC would not run it (platform, size limit), with the advice; null if it would. */
  problem: string | null;
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
