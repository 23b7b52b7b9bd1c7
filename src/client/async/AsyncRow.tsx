import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { FINAL_ASYNC_STATUSES, type AsyncInvocation } from '../../shared/async-invocation.ts';
import { asyncApi } from '../api/async.ts';
import { formatClock, formatSpan, plural } from '../observe/format.ts';
import { ActionError } from '../releases/ActionError.tsx';
import { ASYNC_STATUS_BADGE, attemptsOf, STOPPABLE } from './attempts.ts';
import { AsyncDetails } from './AsyncDetails.tsx';
import { asyncKeys } from './queries.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** One invocation: status, attempts, age (or how long it took), origin; opens to its details. */
export function AsyncRow({ service, fn, invocation: inv, now }: { service: string; fn: string; invocation: AsyncInvocation; now: number }) {
  const [open, setOpen] = useState(false);
  const queryClient = useQueryClient();
  const stop = useMutation({
    mutationFn: () => asyncApi.stop(service, fn, inv.invocationId),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: asyncKeys.all(service, fn) }),
  });
  const attempts = attemptsOf(inv).length;
  const ended = FINAL_ASYNC_STATUSES.includes(inv.status);
  const span = ended && inv.endTime !== null ? `took ${formatSpan(inv.endTime - inv.startedTime)}` : `age ${formatSpan(Math.max(0, now - inv.startedTime))}`;
  const canStop = inv.stateful && STOPPABLE.includes(inv.status);

  return (
    <li className="async-item" aria-label={`Async invocation ${inv.invocationId}`}>
      <div className="async-line">
        <button type="button" className="async-toggle" aria-expanded={open} aria-label={`Details of ${inv.invocationId}`} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        <span className={ASYNC_STATUS_BADGE[inv.status]} aria-label="Status">
          {inv.status}
        </span>
        <code className="async-id" title={inv.invocationId}>
          {inv.invocationId}
        </code>
        <span className="spacer" />
        {canStop && (
          <button type="button" className="btn btn-small" aria-label={`Stop ${inv.invocationId}`} disabled={stop.isPending} onClick={() => stop.mutate()}>
            Stop
          </button>
        )}
      </div>
      <div className="async-line async-meta">
        <span title={iso(inv.startedTime)}>{formatClock(iso(inv.startedTime), false)}</span>
        <span aria-label="Attempts">{plural(attempts, 'attempt')}</span>
        <span aria-label="Age">{span}</span>
        {inv.qualifier !== 'LATEST' && <code title="qualifier">at {inv.qualifier}</code>}
        {inv.origin !== 'api' && <span className="badge badge-info" title="how it was queued">{inv.origin}</span>}
        {inv.stateful && <span className="hint" title="a stateful invocation: queried and stopped by its id">stateful</span>}
      </div>
      <ActionError error={stop.error} />
      {open && <AsyncDetails invocation={inv} />}
    </li>
  );
}
