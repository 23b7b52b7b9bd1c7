import type { ReactNode } from 'react';
import type { InvocationRecord } from '../../shared/observe.ts';
import { formatBytes, formatMs } from './format.ts';
import { PHASE_COLORS, PhaseBar, type Phase } from './PhaseBar.tsx';
import { useShownRecord } from './shown-record.ts';
import './observe.css';
import './summary.css';

/** FC's execution summary of the shown invocation, with a picture of where its time went. */
export function ExecutionSummary() {
  const shown = useShownRecord();
  const record = shown.kind === 'result' || shown.kind === 'selected' ? shown.record : null;
  return (
    <section aria-label="Execution summary" className="pane summary">
      <div className="pane-title">
        <h2 className="obs-heading">Execution summary</h2>
      </div>
      {record ? <SummaryList record={record} /> : <p className="hint">No invocation yet.</p>}
    </section>
  );
}

function SummaryList({ record }: { record: InvocationRecord }) {
  const init = record.coldStart ? record.initReport : null;
  return (
    <>
      <PhaseBar record={record} />
      <dl className="kv summary-list">
        <Item label="Request ID">{record.requestId}</Item>
        <Item label="Qualifier / version">
          {record.qualifier || 'LATEST'} / {record.versionId || 'LATEST'}
        </Item>
        <Item label="Duration" phase="handler">{formatMs(record.durationMs)}</Item>
        <Item label="Billed duration">{record.billedDurationMs} ms</Item>
        <Item label="Memory size">{record.memorySizeMB} MB</Item>
        <Item label="Max memory used">{record.maxMemoryUsedMB.toFixed(2)} MB</Item>
        <Item label="Cold start">{record.coldStart ? 'yes' : 'no'}</Item>
        {init && (
          <>
            <Item label="PullCode" phase="pullCode">{formatMs(init.pullCodeMs)}</Item>
            <Item label="InitRuntime" phase="initRuntime">{formatMs(init.initRuntimeMs)}</Item>
            <Item label="InitFunction" phase="initFunction">{formatMs(init.initFunctionMs)}</Item>
          </>
        )}
        <Item label="Instance">{record.instanceId ?? '—'}</Item>
        <Item label="Payload / response">
          {formatBytes(record.payloadBytes)} / {formatBytes(record.responseBytes)}
        </Item>
        <Item label="Resource use">{record.gbSeconds.toFixed(6)} GB-s</Item>
      </dl>
    </>
  );
}

/** One label and its value; a phase's label carries its colour, which makes the list the bar's legend. */
function Item({ label, phase, children }: { label: string; phase?: Phase; children: ReactNode }) {
  return (
    <div className="kv-row">
      <dt>
        {phase && <span className="swatch" style={{ background: PHASE_COLORS[phase] }} aria-hidden />}
        {label}
      </dt>
      <dd>{children}</dd>
    </div>
  );
}
