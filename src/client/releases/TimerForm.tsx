import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LATEST, type TimerInfo } from '../../shared/releases-api.ts';
import { releasesApi } from '../api/releases.ts';
import { ActionError } from './ActionError.tsx';
import { releaseKeys, useAliases, useVersions } from './queries.ts';

const CRON_HINT = 'FC takes @every 5m (also 30s, 1h30m) or six cron fields, seconds first: 0 */5 * * * * (UTC).';

/** Adds a timer trigger or edits one: when it fires, at which qualifier, with what payload. */
export function TimerForm(props: { service: string; fn: string; timer?: TimerInfo; onDone(): void }) {
  const { service, fn, timer } = props;
  const queryClient = useQueryClient();
  const versions = useVersions(service).data ?? [];
  const aliases = useAliases(service).data ?? [];
  const [name, setName] = useState(timer?.triggerName ?? 'timer');
  const [cron, setCron] = useState(timer?.cronExpression ?? '@every 1m');
  const [payload, setPayload] = useState(timer?.payload ?? '');
  const [qualifier, setQualifier] = useState(timer?.qualifier ?? LATEST);
  const [enable, setEnable] = useState(timer?.enable ?? true);

  const save = useMutation({
    mutationFn: () => {
      const body = { triggerType: 'timer' as const, triggerConfig: { cronExpression: cron, payload, enable }, qualifier };
      return timer ? releasesApi.updateTrigger(service, fn, timer.triggerName, body) : releasesApi.createTrigger(service, fn, { triggerName: name, ...body });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: releaseKeys.timers(service, fn) });
      props.onDone();
    },
  });

  return (
    <form
      className="rel-timer-form"
      aria-label={timer ? `Edit timer ${timer.triggerName}` : 'New timer trigger'}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="field-row">
        <label className="field">
          <span className="label">Trigger name</span>
          <input className="input mono" value={name} disabled={!!timer} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span className="label">Trigger qualifier</span>
          <select className="input mono" value={qualifier} onChange={(e) => setQualifier(e.target.value)}>
            <option value={LATEST}>LATEST</option>
            {versions.map((v) => <option key={v.versionId} value={v.versionId}>{v.versionId}</option>)}
            {aliases.map((a) => <option key={a.aliasName} value={a.aliasName}>{a.aliasName}</option>)}
          </select>
        </label>
      </div>
      <label className="field">
        <span className="label">Cron expression</span>
        <input className="input mono" value={cron} onChange={(e) => setCron(e.target.value)} />
      </label>
      <p className="hint">{CRON_HINT}</p>
      <label className="field">
        <span className="label">Timer payload</span>
        <input className="input mono" value={payload} placeholder='{"job":"cleanup"}' onChange={(e) => setPayload(e.target.value)} />
      </label>
      <label className="mf-chip rel-enable">
        <input type="checkbox" checked={enable} onChange={(e) => setEnable(e.target.checked)} />
        Enabled
      </label>
      <div className="rel-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={save.isPending || !name || !cron}>
          {timer ? 'Save timer' : 'Add timer'}
        </button>
        <button type="button" className="btn btn-small" onClick={props.onDone}>
          Cancel
        </button>
      </div>
      <ActionError error={save.error} />
    </form>
  );
}
