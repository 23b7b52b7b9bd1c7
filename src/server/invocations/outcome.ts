import type { CaResponse } from '../instances/index.ts';
import type { KillReason } from '../scheduler/index.ts';

export interface FunctionErrorBody {
  errorMessage: string;
  errorType?: string;
  stackTrace?: unknown;
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

/** FC's platform-side messages for invocations that did not end in an answer (SPEC §2). */
export const failureMessage = {
  timeout: (timeoutSec: number, peakBytes: number) => `Function timed out after ${timeoutSec} seconds (maxMemoryUsage: ${mb(peakBytes)}MB)`,
  crash: (durationMs: number, peakBytes: number) => `Process exited unexpectedly before completing request (duration: ${Math.round(durationMs)}ms, maxMemoryUsage: ${mb(peakBytes)}MB)`,
  memory: (durationMs: number, peakBytes: number, limitMB: number) =>
    `Process exited unexpectedly before completing request (duration: ${Math.round(durationMs)}ms, maxMemoryUsage: ${mb(peakBytes)}MB): the instance exceeded its memory limit of ${limitMB} MB and was killed`,
  initTimeout: (sec: number) => `Function initialization timed out after ${sec} seconds`,
  unreachable: (durationMs: number, peakBytes: number) => `The function instance closed the connection before completing request (duration: ${Math.round(durationMs)}ms, maxMemoryUsage: ${mb(peakBytes)}MB); the instance was stopped`,
};

export function killMessage(reason: KillReason, durationMs: number, peakBytes: number, cfg: { timeout: number; memorySize: number }) {
  if (reason === 'timeout') return { status: 'timeout' as const, message: failureMessage.timeout(cfg.timeout, peakBytes) };
  if (reason === 'unreachable') return { status: 'failed' as const, message: failureMessage.unreachable(durationMs, peakBytes) };
  if (reason === 'memory') return { status: 'failed' as const, message: failureMessage.memory(durationMs, peakBytes, cfg.memorySize) };
  return { status: 'failed' as const, message: failureMessage.crash(durationMs, peakBytes) };
}

/** The error JSON a runtime answered, or one built from a custom runtime's plain failure body. */
export function errorBodyOf(res: CaResponse): FunctionErrorBody {
  const text = res.body.toString('utf8');
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed.errorMessage === 'string') return parsed;
  } catch {
    // not JSON: a custom runtime's own error text
  }
  return { errorMessage: text || `the function reported failure (status ${res.statusCode})` };
}

/** FC drops these response headers when the function sets them (SPEC §3). */
export function isDroppedResponseHeader(name: string) {
  const n = name.toLowerCase();
  return n.startsWith('x-fc-') || n === 'connection' || n === 'content-length' || n === 'date' || n === 'keep-alive' || n === 'server' || n === 'transfer-encoding' || n === 'upgrade';
}
