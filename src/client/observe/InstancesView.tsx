import { useEffect, useMemo } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { INSTANCE_STATES } from '../../shared/observe.ts';
import { api } from '../api/client.ts';
import { useLive, type InstanceTrack } from '../api/live.ts';
import { useCurrentFunction } from './current-function.ts';
import { versionsOf } from '../../shared/releases-api.ts';
import { useQualifier } from '../releases/qualifier.ts';
import { useAliases } from '../releases/queries.ts';
import { formatAgo, formatSpan, shortInstanceId } from './format.ts';
import { InstanceTimeline } from './InstanceTimeline.tsx';
import { STATE_COLORS, TIMELINE_WINDOW_MS, endedAt, isGone } from './instance-states.ts';
import { Legend } from './Legend.tsx';
import { queryKeys } from './queries.ts';
import { useNow } from './use-now.ts';
import './observe.css';
import './instances.css';

const LEGEND = INSTANCE_STATES.filter((s) => s !== 'Destroyed').map((s) => ({ label: s, color: STATE_COLORS[s], faint: s === 'Frozen' }));

/**
 * Every instance of the current function with its state, load and age, and a timeline of its
 * states over the last five minutes. Ended instances stay, greyed, until they leave the window.
 */
export function InstancesView() {
  const { service, fn } = useCurrentFunction();
  const tracks = useLive((s) => s.instances);
  const seedInstances = useLive((s) => s.seedInstances);
  const tick = useNow(1000);
  // A state change that arrived since the last tick must show at once, not up to a second later.
  const now = useMemo(() => Math.max(tick, ...Object.values(tracks).map((t) => t.transitions[t.transitions.length - 1]?.at ?? 0)), [tick, tracks]);
  const queryClient = useQueryClient();
  // instances belong to one version: those the picked qualifier's calls can run on
  const qualifier = useQualifier((s) => s.qualifier);
  const aliases = useAliases(service).data;
  const versions = useMemo(() => versionsOf(qualifier, aliases ?? []), [qualifier, aliases]);

  // Instances that started before the page connected are only known from the listing.
  const listing = useQuery({ queryKey: queryKeys.instances(service, fn), queryFn: () => api.instances(service, fn).then((r) => r.instances), retry: false });
  useEffect(() => {
    if (listing.data) seedInstances(listing.data);
  }, [listing.data, seedInstances]);

  const reclaim = useMutation({
    mutationFn: () => api.reclaim(service, fn),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.instances(service, fn) }),
  });

  const shown = useMemo(
    () =>
      Object.values(tracks)
        .filter((t) => t.info.serviceName === service && t.info.functionName === fn)
        .filter((t) => versions.includes(t.info.versionId || 'LATEST'))
        .filter((t) => (endedAt(t) ?? now) > now - TIMELINE_WINDOW_MS)
        .sort((a, b) => Date.parse(a.info.startedAt) - Date.parse(b.info.startedAt)),
    [tracks, service, fn, now, versions],
  );
  const alive = shown.filter((t) => !isGone(t.info.state)).length;
  // The window grows with the oldest instance shown, from one minute up to five, so a fresh instance
  // fills its row instead of being a sliver at the right edge.
  const oldest = Math.min(now, ...shown.map((t) => Date.parse(t.info.startedAt) || now));
  const windowMs = Math.min(TIMELINE_WINDOW_MS, Math.max(60_000, Math.ceil((now - oldest) / 60_000) * 60_000));

  return (
    <section aria-label="Instances" className="pane instances">
      <div className="pane-title">
        <h2 className="obs-heading">Instances</h2>
        <span className="inst-count">{alive} running</span>
        <span className="inst-count obs-at" aria-label="Qualifier shown">
          at <code>{qualifier}</code>
        </span>
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-small inst-reclaim"
          disabled={reclaim.isPending}
          aria-label={reclaim.isPending ? 'Reclaim instances: reclaiming…' : undefined}
          onClick={() => reclaim.mutate()}
        >
          {reclaim.isPending ? 'Reclaiming…' : 'Reclaim instances'}
        </button>
      </div>
      {reclaim.error && <p className="error-text">Reclaim failed: {reclaim.error.message}</p>}
      {shown.length === 0 ? (
        <p className="hint">No instances. An invocation starts one (a cold start); idle ones are reclaimed after the idle TTL.</p>
      ) : (
        <>
          <Legend items={LEGEND} />
          <ul className="inst-list" aria-label="Instance list">
            {shown.map((t) => (
              <InstanceRow key={t.info.instanceId} track={t} now={now} windowMs={windowMs} />
            ))}
          </ul>
          <TimeAxis windowMs={windowMs} />
        </>
      )}
    </section>
  );
}

function InstanceRow({ track, now, windowMs }: { track: InstanceTrack; now: number; windowMs: number }) {
  const { info } = track;
  const ended = endedAt(track);
  return (
    <li className={`inst-row${ended ? ' inst-gone' : ''}${info.provisioned ? ' inst-provisioned' : ''}`} aria-label={`Instance ${info.instanceId}`}>
      <div className="inst-info">
        <div className="inst-line">
          <code className="inst-id" title={info.instanceId}>{shortInstanceId(info.instanceId)}</code>
          <span className="badge inst-state" style={{ color: STATE_COLORS[info.state] }}>{info.state}</span>
        </div>
        <div className="inst-line inst-meta">
          <span className="inst-load" title="requests in flight / instance concurrency">{info.inFlight}/{info.concurrency}</span>
          <span title={`started ${info.startedAt}`}>up {formatSpan(Math.max(0, (ended ?? now) - Date.parse(info.startedAt)))}</span>
          <span title={info.lastUsedAt ?? 'never used'}>{info.lastUsedAt ? `used ${formatAgo(info.lastUsedAt, now)}` : 'never used'}</span>
        </div>
        {(info.provisioned || (info.versionId && info.versionId !== 'LATEST')) && (
          <div className="inst-line">
            <code className="inst-version" title={`runs version ${info.versionId}`}>{versionLabel(info.versionId)}</code>
            {info.provisioned && <span className="badge inst-prov" title="started ahead of traffic for a provision config; never reclaimed for idleness">provisioned</span>}
          </div>
        )}
      </div>
      <InstanceTimeline track={track} now={now} windowMs={windowMs} />
    </li>
  );
}

/** Minutes before now under the timelines, aligned with their gridlines. */
function TimeAxis({ windowMs }: { windowMs: number }) {
  const label = (i: number) => {
    if (i === 5) return 'now';
    const sec = ((5 - i) * windowMs) / 5 / 1000;
    return sec % 60 === 0 ? `-${sec / 60}m` : `-${sec}s`;
  };
  return (
    <div className="inst-axis" aria-hidden>
      <span />
      <div className="inst-axis-ticks">
        {[0, 1, 2, 3, 4, 5].map(label).map((label, i) => (
          <span key={label} style={{ left: `${i * 20}%` }}>
            {label}
          </span>
        ))}
      </div>
    </div>
  );
}

/** LATEST as itself, a version as `v2`. */
const versionLabel = (versionId: string) => (!versionId || versionId === 'LATEST' ? 'LATEST' : `v${versionId}`);
