import { useEffect, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ASYNC_STATUSES, type AsyncInvocation, type AsyncStatus } from '../../shared/async-invocation.ts';
import { useLive } from '../api/live.ts';
import { useCurrentFunction } from '../observe/current-function.ts';
import { plural } from '../observe/format.ts';
import { useNow } from '../observe/use-now.ts';
import { ActionError } from '../releases/ActionError.tsx';
import { attemptsOf } from './attempts.ts';
import { AsyncRow } from './AsyncRow.tsx';
import { asyncKeys, useAsyncInvocations } from './queries.ts';
import './async.css';

/** Live events come in bursts (accepted, running, retrying within milliseconds): one refetch per burst. */
const REFRESH_DEBOUNCE_MS = 150;

/** An invocation matches a search by its invocation id, its request id or any attempt's request id. */
function matches(inv: AsyncInvocation, text: string) {
  const q = text.trim().toLowerCase();
  if (!q) return true;
  const ids = [inv.invocationId, inv.requestId, ...attemptsOf(inv).map((a) => a.requestId)];
  return ids.some((id) => id.toLowerCase().includes(q));
}

/**
 * The current function's async invocations (every qualifier, newest first), kept current by the
 * live stream: status, attempts, age, origin; each opens to its attempts, result and a Stop.
 */
export function AsyncPanel() {
  const { service, fn } = useCurrentFunction();
  const [status, setStatus] = useState<AsyncStatus | ''>('');
  const [search, setSearch] = useState('');
  const list = useAsyncInvocations(service, fn, status);
  const now = useNow(1000);
  useLiveRefresh(service, fn);
  const shown = useMemo(() => (list.data ?? []).filter((inv) => matches(inv, search)), [list.data, search]);

  return (
    <section aria-label="Async invocations" className="pane async-pane">
      <div className="pane-title">
        <h2 className="obs-heading">Async invocations</h2>
        <span className="hist-count">{plural(shown.length, 'invocation')}</span>
      </div>
      <div className="async-filters">
        <select className="input async-filter" aria-label="Filter by status" value={status} onChange={(e) => setStatus(e.target.value as AsyncStatus | '')}>
          <option value="">All statuses</option>
          {ASYNC_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <input className="input async-search" type="search" aria-label="Search by invocation or request ID" placeholder="invocation / request id" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      <ActionError error={list.error} />
      {shown.length === 0 && !list.error && (
        <p className="hint">{list.isLoading ? 'Loading…' : search || status ? 'No async invocation matches.' : 'No async invocations yet. Turn on Async beside Invoke to queue one.'}</p>
      )}
      <ul className="async-list" aria-label="Async invocation list">
        {shown.map((inv) => (
          <AsyncRow key={`${inv.qualifier}/${inv.invocationId}`} service={service} fn={fn} invocation={inv} now={now} />
        ))}
      </ul>
    </section>
  );
}

/** Refetches the list when the live stream says one of this function's invocations changed state. */
function useLiveRefresh(service: string, fn: string) {
  const queryClient = useQueryClient();
  const changes = useLive((s) => (s.lastAsync && s.lastAsync.serviceName === service && s.lastAsync.functionName === fn ? s.asyncChanges : 0));
  useEffect(() => {
    if (!changes) return;
    const t = setTimeout(() => void queryClient.invalidateQueries({ queryKey: asyncKeys.all(service, fn) }), REFRESH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [changes, queryClient, service, fn]);
}

export default AsyncPanel;
