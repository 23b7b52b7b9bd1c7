import type { InvocationRecord } from '../../shared/observe.ts';
import { useSession } from '../invoke/session.ts';
import { INVOCATION_STATUS_BADGE, INVOCATION_STATUS_COLOR } from './badges.ts';
import { useCurrentFunction } from './current-function.ts';
import { COLD_START_COLOR, DurationChart } from './DurationChart.tsx';
import { formatClock, formatMs, plural } from './format.ts';
import { Legend } from './Legend.tsx';
import { useQualifiedInvocations } from './use-qualified-invocations.ts';
import './observe.css';
import './history.css';

const LEGEND = [
  { label: 'succeeded', color: INVOCATION_STATUS_COLOR.succeeded },
  { label: 'failed', color: INVOCATION_STATUS_COLOR.failed },
  { label: 'timeout', color: INVOCATION_STATUS_COLOR.timeout },
  { label: 'cold-start init', color: COLD_START_COLOR },
];

/** Past invocations of the current function; picking one shows its record in Result and the summary. */
export function HistoryView() {
  const { service, fn } = useCurrentFunction();
  // only the calls made through the qualifier picked next to Invoke
  const { invocations, records, qualifier } = useQualifiedInvocations(service, fn);
  const selected = useSession((s) => s.selectedRequestId);
  const set = useSession((s) => s.set);

  const select = (id: string) => set({ selectedRequestId: id === selected ? null : id });

  return (
    <section aria-label="History" className="pane history">
      <div className="pane-title">
        <h2 className="obs-heading">History</h2>
        <span className="hist-count">{plural(records.length, 'invocation')}</span>
        <span className="hist-count obs-at" aria-label="Qualifier shown">
          at <code>{qualifier}</code>
        </span>
      </div>
      {invocations.error && <p className="error-text">{invocations.error.message}</p>}
      {records.length === 0 ? (
        !invocations.error && <p className="hint">{invocations.isPending ? 'Loading…' : 'No invocations yet.'}</p>
      ) : (
        <>
          <DurationChart records={records} selected={selected} onSelect={select} />
          <Legend items={LEGEND} />
          <div className="hist-table-wrap">
            <table className="hist-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">Duration</th>
                  <th scope="col">Start</th>
                  <th scope="col">Version</th>
                  <th scope="col">Request ID</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => (
                  <HistoryRow key={r.requestId} record={r} selected={r.requestId === selected} onSelect={select} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function HistoryRow({ record: r, selected, onSelect }: { record: InvocationRecord; selected: boolean; onSelect(id: string): void }) {
  return (
    <tr className={selected ? 'hist-row hist-selected' : 'hist-row'} onClick={() => onSelect(r.requestId)}>
      <td>
        <button
          type="button"
          className="hist-select"
          aria-pressed={selected}
          aria-label={`Invocation ${r.requestId}`}
          onClick={(e) => {
            e.stopPropagation();
            onSelect(r.requestId);
          }}
        >
          {formatClock(r.startTime, false)}
        </button>
      </td>
      <td>
        <span className={INVOCATION_STATUS_BADGE[r.status]} title={r.errorType ?? undefined}>
          {r.status}
        </span>
      </td>
      <td className="num">{formatMs(r.durationMs)}</td>
      <td>{r.coldStart ? <span className="hist-cold">cold</span> : <span className="hint">warm</span>}</td>
      <td title={`${r.invocationType} call through ${r.qualifier || 'LATEST'}, served by ${r.versionId || 'LATEST'}`}>
        <code className="hist-version">{r.versionId || 'LATEST'}</code>
        {/* how it was called, when not by a sync invoke: a timer trigger, async, an HTTP request */}
        {r.invocationType === 'timer' ? <span className="badge badge-info hist-timer">timer</span> : r.invocationType !== 'sync' && <span className="hint hist-type">{r.invocationType}</span>}
      </td>
      <td className="hist-id" title={r.requestId}>{r.requestId}</td>
    </tr>
  );
}
