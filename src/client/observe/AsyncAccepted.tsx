import type { AsyncAcceptance } from '../invoke/session.ts';

/** An async invoke's answer: FC's 202 and the ids to follow it by; there is no result yet. */
export function AsyncAccepted({ accepted: a }: { accepted: AsyncAcceptance }) {
  return (
    <div className="result-accepted" role="status" aria-label="Async invoke accepted">
      <p>
        <span className="badge badge-ok">202 Accepted</span> queued for asynchronous invocation at <code>{a.qualifier}</code>
      </p>
      <dl className="result-accepted-ids">
        <dt>x-fc-request-id</dt>
        <dd>
          <code>{a.requestId}</code>
        </dd>
        {a.invocationId && (
          <>
            <dt>invocation id</dt>
            <dd>
              <code>{a.invocationId}</code> <span className="hint">(stateful)</span>
            </dd>
          </>
        )}
      </dl>
      <p className="hint">
        The function runs later, retried on error. Its attempts, status and result are in Async invocations.{' '}
        <button type="button" className="btn btn-small" onClick={() => document.querySelector('[aria-label="Async invocations"]')?.scrollIntoView?.({ block: 'nearest' })}>
          Show
        </button>
      </p>
    </div>
  );
}
