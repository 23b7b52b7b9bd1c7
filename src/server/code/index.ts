// Public face of code/: the content-addressed code store and its preparation (SPEC §6).
export { CodeError } from './code-error.ts';
export { crc64 } from './crc64.ts';
export { createCodeStore, type CodeStore, type Preparation, type StoredCode } from './code-store.ts';
export { copyTree } from './copy-tree.ts';
export type { PrepareCheck } from './entry-point.ts';
export { DEFAULT_CODE_LIMITS, type CodeLimits } from './limits.ts';
