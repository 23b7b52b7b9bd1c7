import { useEffect, useState } from 'react';
import { plural, shortInstanceId } from './format.ts';

interface Props {
  count: number;
  requestFilter: string;
  onRequestFilter(v: string): void;
  instanceFilter: string;
  onInstanceFilter(v: string): void;
  instanceIds: string[];
  /** the text of the lines the filters let through (computed on click: it can be large) */
  copyText(): string;
  onClear(): void;
}

/** The Logs pane's title row: filters, copy and clear. */
export function LogToolbar(p: Props) {
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(t);
  }, [copied]);

  const copy = async () => {
    const text = p.copyText();
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${plural(p.count, 'line')}`);
    } catch {
      setCopied('Copy failed: the browser refused clipboard access');
    }
  };

  return (
    <div className="pane-title log-toolbar">
      <h2 className="obs-heading">Logs</h2>
      <span className="log-count">{plural(p.count, 'line')}</span>
      <span className="spacer" />
      <input
        className="input log-filter-request"
        type="search"
        aria-label="Filter by request ID"
        placeholder="request id"
        value={p.requestFilter}
        onChange={(e) => p.onRequestFilter(e.target.value)}
      />
      <select className="input log-filter-instance" aria-label="Filter by instance" value={p.instanceFilter} onChange={(e) => p.onInstanceFilter(e.target.value)}>
        <option value="">All instances</option>
        {p.instanceIds.map((id) => (
          <option key={id} value={id}>
            {shortInstanceId(id)}
          </option>
        ))}
        {p.instanceFilter && !p.instanceIds.includes(p.instanceFilter) && <option value={p.instanceFilter}>{shortInstanceId(p.instanceFilter)}</option>}
      </select>
      <span className="log-copied" role="status">{copied}</span>
      <button type="button" className="btn btn-icon" aria-label="Copy logs" title="Copy the shown lines" onClick={() => void copy()}>
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.4">
          <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
          <path d="M10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1" />
        </svg>
      </button>
      <button type="button" className="btn btn-icon" aria-label="Clear logs" title="Clear the log (stored lines stay on the service)" onClick={p.onClear}>
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden fill="none" stroke="currentColor" strokeWidth="1.4">
          <circle cx="8" cy="8" r="5.5" />
          <path d="M4.2 11.8l7.6-7.6" />
        </svg>
      </button>
    </div>
  );
}
