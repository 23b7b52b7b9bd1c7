import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TimerInfo } from '../../shared/releases-api.ts';
import { releasesApi } from '../api/releases.ts';
import { useCurrentFunction } from '../observe/current-function.ts';
import { formatClock, formatSpan } from '../observe/format.ts';
import { useNow } from '../observe/use-now.ts';
import { ActionError } from './ActionError.tsx';
import { releaseKeys, useTimers } from './queries.ts';
import { TimerForm } from './TimerForm.tsx';

/**
 * The function's timer triggers, each with a countdown to its next firing; they fire while
 * fnplay runs, and their calls show in History marked `timer`.
 */
export function TimersPanel() {
  const { service, fn } = useCurrentFunction();
  const timers = useTimers(service, fn);
  const queryClient = useQueryClient();
  const now = useNow(1000);
  const [editing, setEditing] = useState<string | null>(null);
  // a firing moves the next fire time on: ask again once one has passed
  const passed = (timers.data ?? []).some((t) => t.nextFireTime && Date.parse(t.nextFireTime) < now - 500);
  useEffect(() => {
    if (passed) void queryClient.invalidateQueries({ queryKey: releaseKeys.timers(service, fn) });
  }, [passed, queryClient, service, fn]);

  return (
    <section aria-label="Timer triggers" className="pane releases">
      <div className="pane-title">
        <h2 className="obs-heading">Timer triggers</h2>
        <span className="spacer" />
        <button type="button" className="btn btn-small rel-title-btn" disabled={editing === ''} onClick={() => setEditing('')}>
          Add timer
        </button>
      </div>
      {editing === '' && <TimerForm service={service} fn={fn} onDone={() => setEditing(null)} />}
      <ActionError error={timers.error} />
      {timers.data?.length === 0 && editing !== '' && <p className="hint">No timer triggers. A timer invokes the function on a schedule while fnplay runs.</p>}
      <ul className="rel-list" aria-label="Timer list">
        {timers.data?.map((t) =>
          editing === t.triggerName ? (
            <li key={t.triggerName} className="rel-item">
              <TimerForm service={service} fn={fn} timer={t} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <TimerRow key={t.triggerName} service={service} fn={fn} timer={t} now={now} onEdit={() => setEditing(t.triggerName)} />
          ),
        )}
      </ul>
    </section>
  );
}

function TimerRow({ service, fn, timer: t, now, onEdit }: { service: string; fn: string; timer: TimerInfo; now: number; onEdit(): void }) {
  const queryClient = useQueryClient();
  const settled = () => void queryClient.invalidateQueries({ queryKey: releaseKeys.timers(service, fn) });
  const toggle = useMutation({
    mutationFn: (enable: boolean) =>
      releasesApi.updateTrigger(service, fn, t.triggerName, { triggerType: 'timer', triggerConfig: { cronExpression: t.cronExpression, payload: t.payload, enable }, qualifier: t.qualifier }),
    onSettled: settled,
  });
  const remove = useMutation({ mutationFn: () => releasesApi.deleteTrigger(service, fn, t.triggerName), onSettled: settled });
  return (
    <li className="rel-item" aria-label={`Timer ${t.triggerName}`}>
      <div className="rel-line">
        <code className="rel-name">{t.triggerName}</code>
        <code className="rel-desc" title="cron expression">{t.cronExpression}</code>
        <button type="button" className="btn btn-small" aria-label={`Edit timer ${t.triggerName}`} onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="btn btn-small" aria-label={`Delete timer ${t.triggerName}`} disabled={remove.isPending} onClick={() => remove.mutate()}>
          Delete
        </button>
      </div>
      <div className="rel-line rel-wrap">
        <label className="mf-chip">
          <input type="checkbox" checked={t.enable} disabled={toggle.isPending} aria-label={`Enable ${t.triggerName}`} onChange={(e) => toggle.mutate(e.target.checked)} />
          enabled
        </label>
        <code className="hint" title="the qualifier it invokes">at {t.qualifier}</code>
        <NextFire iso={t.enable ? t.nextFireTime : null} now={now} name={t.triggerName} />
      </div>
      <ActionError error={toggle.error ?? remove.error} />
    </li>
  );
}

/** The next firing as a live countdown, with its clock time on hover. */
function NextFire({ iso, now, name }: { iso: string | null; now: number; name: string }) {
  if (!iso) return <span className="hint" aria-label={`Next fire of ${name}`}>not scheduled</span>;
  const left = Date.parse(iso) - now;
  return (
    <span className="rel-next" title={iso} aria-label={`Next fire of ${name}`}>
      next {formatClock(iso, false)} · {left > 0 ? `in ${countdown(left)}` : 'firing…'}
    </span>
  );
}

/** Whole seconds under a minute (a ticking `4.2 s` would flicker), then `3m 05s`. */
const countdown = (ms: number) => (ms < 60_000 ? `${Math.ceil(ms / 1000)}s` : formatSpan(ms));
