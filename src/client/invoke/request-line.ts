import type { HttpRequestDraft } from '../workspace/types.ts';

/** The URL the draft request goes to below `base` (the proxy path or a custom domain). */
export function requestUrl(base: string, req: HttpRequestDraft): string {
  const path = req.path.startsWith('/') ? req.path : `/${req.path}`;
  const query = req.query.filter(([k]) => k).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${base.replace(/\/$/, '')}${path}${query ? `?${query}` : ''}`;
}

/** A POSIX shell word: single-quoted, with embedded quotes closed and escaped. */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The same request as one curl command line, to paste into a terminal. */
export function curlLine(url: string, req: HttpRequestDraft): string {
  const parts = ['curl', '-i'];
  if (req.method !== 'GET') parts.push('-X', req.method);
  for (const [k, v] of req.headers) if (k) parts.push('-H', sh(`${k}: ${v}`));
  if (req.body && req.method !== 'GET' && req.method !== 'HEAD') parts.push('--data-binary', sh(req.body));
  parts.push(sh(url));
  return parts.join(' ');
}
