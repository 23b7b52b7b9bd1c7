// Caps on uploaded code. FC's own cap on a code zip is 100 MiB (500 MiB unzipped); the entry
// cap keeps a zip of millions of empty files from tying up the disk and the event loop.

export interface CodeLimits {
  maxZipBytes: number;
  maxEntries: number;
  maxExtractedBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_CODE_LIMITS: CodeLimits = {
  maxZipBytes: 100 * MiB,
  maxEntries: 20_000,
  maxExtractedBytes: 500 * MiB,
};

export function resolveLimits(partial: Partial<CodeLimits> = {}): CodeLimits {
  return { ...DEFAULT_CODE_LIMITS, ...partial };
}

/** "100 MiB" for whole MiB, bytes otherwise: limits read best in the unit they were set in. */
export function formatBytes(n: number): string {
  return n >= MiB && n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`;
}
