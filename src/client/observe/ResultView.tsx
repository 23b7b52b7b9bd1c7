import type { InvocationRecord } from '../../shared/observe.ts';
import { useSession } from '../invoke/session.ts';
import { INVOCATION_STATUS_BADGE, header, statusCodeBadge } from './badges.ts';
import { AsyncAccepted } from './AsyncAccepted.tsx';
import { ResponseDetails } from './ResponseDetails.tsx';
import { useShownRecord } from './shown-record.ts';
import './observe.css';
import './result.css';

/**
 * The answer of the latest invocation, or the stored record of one picked in History. A failed
 * invocation leads with its error type and message, because that is what the user came to read.
 */
export function ResultView() {
  const phase = useSession((s) => s.phase);
  const result = useSession((s) => s.result);
  const set = useSession((s) => s.set);
  const accepted = useSession((s) => s.accepted);
  const shown = useShownRecord();
  const record = shown.kind === 'result' || shown.kind === 'selected' ? shown.record : null;
  const errorType = shown.kind === 'result' && result ? (header(result.headers, 'x-fc-error-type') ?? null) : (record?.errorType ?? null);
  const busy = phase === 'invoking' ? 'Invoking…' : phase === 'deploying' ? 'Deploying…' : phase === 'building' ? 'Waiting for the build…' : null;

  return (
    <section aria-label="Result" className="pane result" aria-busy={busy !== null}>
      <div className="pane-title">
        <h2 className="obs-heading">Result</h2>
        {record && <span className={statusCodeBadge(record.statusCode)} title="HTTP status code">{record.statusCode}</span>}
        {errorType && <span className="badge badge-err" title="x-fc-error-type">{errorType}</span>}
        <span className="spacer" />
        {busy && <span className="result-busy" role="status">{busy}</span>}
      </div>
      <div className={busy ? 'result-content result-stale' : 'result-content'}>
        {shown.kind === 'selected' && <SelectedNote record={shown.record} onBack={() => set({ selectedRequestId: null })} />}
        {record?.warning && (
          <p className="result-warning" role="note">
            <span aria-hidden>⚠ </span>
            {record.warning}
          </p>
        )}
        {shown.kind === 'result' && result && <ResponseDetails result={result} />}
        {shown.kind === 'none' && accepted && <AsyncAccepted accepted={accepted} />}
        {shown.kind === 'none' && !accepted && !busy && <p className="hint">Invoke the function to see its response here.</p>}
        {shown.kind === 'failed' && <p className="hint">No response: the last invoke failed before the function answered (the error is shown under Invoke).</p>}
        {shown.kind === 'loading' && <p className="hint">Loading invocation {shown.requestId}…</p>}
        {shown.kind === 'missing' && (
          <p className="error-text">
            Invocation {shown.requestId}: {shown.message}
          </p>
        )}
      </div>
    </section>
  );
}

function SelectedNote({ record, onBack }: { record: InvocationRecord; onBack: () => void }) {
  return (
    <div className="result-selected">
      <p>
        Invocation <code>{record.requestId}</code> from History, <span className={INVOCATION_STATUS_BADGE[record.status]}>{record.status}</span>
      </p>
      <p className="hint">Its response body is not stored: fnplay keeps the execution summary of past invocations, not their bodies.</p>
      <button type="button" className="btn btn-small" onClick={onBack}>
        Back to latest result
      </button>
    </div>
  );
}
