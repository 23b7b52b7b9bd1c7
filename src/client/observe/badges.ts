import type { InvocationStatus } from '../../shared/observe.ts';

// Which colour a status gets, everywhere it is shown (Result, History, chart).

export function statusCodeBadge(code: number): string {
  if (code >= 500) return 'badge badge-err';
  if (code >= 400) return 'badge badge-warn';
  return 'badge badge-ok';
}

export const INVOCATION_STATUS_BADGE: Record<InvocationStatus, string> = {
  succeeded: 'badge badge-ok',
  failed: 'badge badge-err',
  timeout: 'badge badge-warn',
  throttled: 'badge badge-dim',
};

/** The same colours as CSS variables, for SVG fills. */
export const INVOCATION_STATUS_COLOR: Record<InvocationStatus, string> = {
  succeeded: 'var(--ok)',
  failed: 'var(--err)',
  timeout: 'var(--warn)',
  throttled: 'var(--text-dim)',
};

/** Header names arrive lower-cased from Node, but a custom runtime's own headers may not be. */
export function header(headers: Record<string, string>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return v;
  return undefined;
}
