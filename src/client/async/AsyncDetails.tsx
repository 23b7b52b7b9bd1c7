import type { AsyncInvocation } from '../../shared/async-invocation.ts';
import { useSession } from '../invoke/session.ts';
import { formatClock, formatSpan, shortInstanceId } from '../observe/format.ts';
import { attemptsOf, endReasonOf } from './attempts.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const OUTCOME_CLASS: Record<string, string> = { succeeded: 'badge badge-ok', failed: 'badge badge-err', timeout: 'badge badge-warn' };

/** Each attempt (time, instance, outcome, error) with a link to its logs, then the result or error. */
export function AsyncDetails({ invocation: inv }: { invocation: AsyncInvocation }) {
  const attempts = attemptsOf(inv);
  const reason = endReasonOf(inv);
  const set = useSession((s) => s.set);
  // as History does: picking a request narrows Logs to it (and Result shows its record)
  const showLogs = (requestId: string) => {
    set({ selectedRequestId: requestId });
    document.querySelector('[aria-label="Logs"]')?.scrollIntoView?.({ block: 'nearest' });
  };
  return (
    <div className="async-details">
      <dl className="async-ids">
        <dt>request id</dt>
        <dd>
          <code>{inv.requestId}</code>
        </dd>
      </dl>
      {attempts.length === 0 ? (
        <p className="hint">Not run yet.</p>
      ) : (
        <ol className="async-attempts" aria-label={`Attempts of ${inv.invocationId}`}>
          {attempts.map((a) => (
            <li key={a.attempt} className="async-attempt" aria-label={`Attempt ${a.attempt}`}>
              <div className="async-line">
                <span className="async-attempt-n">#{a.attempt}</span>
                <span title={iso(a.startedAt)}>{formatClock(iso(a.startedAt))}</span>
                {a.outcome ? <span className={OUTCOME_CLASS[a.outcome] ?? 'badge badge-dim'}>{a.outcome}</span> : <span className="badge badge-info">running</span>}
                {a.endedAt !== null && <span className="hint">{formatSpan(a.endedAt - a.startedAt)}</span>}
                {a.instanceId && <code className="hint" title={a.instanceId}>{shortInstanceId(a.instanceId)}</code>}
                <span className="spacer" />
                <button type="button" className="btn btn-small" aria-label={`Logs of attempt ${a.attempt} of ${inv.invocationId}`} title={a.requestId} onClick={() => showLogs(a.requestId)}>
                  Logs
                </button>
              </div>
              {a.error && <pre className="async-error">{a.error}</pre>}
            </li>
          ))}
        </ol>
      )}
      {inv.returnPayload !== null && (
        <div className="async-outcome">
          <span className="label">Return payload</span>
          <pre className="async-payload">{inv.returnPayload || '(empty)'}</pre>
        </div>
      )}
      {inv.returnPayload === null && (inv.invocationErrorMessage || reason) && (
        <div className="async-outcome">
          <span className="label">Error</span>
          <pre className="async-error">{inv.invocationErrorMessage ?? reason}</pre>
        </div>
      )}
    </div>
  );
}
