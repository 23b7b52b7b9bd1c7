// How the observe panes write times, durations and sizes: one place, so every pane agrees.

/** `3.05 ms`: FC reports durations with two decimals. */
export const formatMs = (ms: number) => `${ms.toFixed(2)} ms`;

/** A duration for people: `850 ms`, `4.2 s`, `3m 05s`, `2h 10m`. */
export function formatSpan(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 10) return `${(ms / 1000).toFixed(1)} s`;
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** `12s ago`, `3m ago`: for "last used" and similar, at a resolution that does not flicker. */
export function formatAgo(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  return `${Math.floor(m / 60)}h ago`;
}

/** `10:00:01.234` in local time: log lines and history rows are read against a wall clock. */
export function formatClock(iso: string, withMs = true): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const hms = [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return withMs ? `${hms}.${String(d.getMilliseconds()).padStart(3, '0')}` : hms;
}

/** `1.2 KB`: payload and response sizes. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Instance ids are `c-<uuid>`: the first block is enough to tell them apart on screen. */
export function shortInstanceId(id: string): string {
  const m = /^(c-)?([0-9a-f]{8})-[0-9a-f-]{27}$/i.exec(id);
  return m ? `${m[1] ?? ''}${m[2]}` : id;
}

/** `1 line`, `3 lines`. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `34 MB`, `1.2 GB`: image and layer sizes, where a decimal under 10 MB still says something. */
export function formatSize(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
