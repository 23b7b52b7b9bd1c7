import { useEffect, useMemo, useRef, useState } from 'react';
import { useLive } from '../api/live.ts';
import { useSession } from '../invoke/session.ts';
import { useCurrentFunction } from './current-function.ts';
import { filterLines, instanceIdsOf, mergeLines, toClipboardText } from './log-lines.ts';
import { LogRow } from './LogRow.tsx';
import { LogToolbar } from './LogToolbar.tsx';
import { useLogHistory } from './queries.ts';
import { useTailFollow } from './use-tail-follow.ts';
import './observe.css';
import './logs.css';

/** The DOM holds at most this many lines; more is slow to lay out and nobody scrolls that far. */
export const MAX_DOM_LINES = 2000;

/**
 * The current function's log: stored lines from before the page loaded merged with live ones,
 * filtered by request and instance, following the tail unless the user scrolled up.
 */
export function LogsView() {
  const { service, fn, key } = useCurrentFunction();
  const live = useLive((s) => s.lines);
  const clearLive = useLive((s) => s.clearLines);
  const liveInstances = useLive((s) => s.instances);
  const selectedRequestId = useSession((s) => s.selectedRequestId);
  const history = useLogHistory(service, fn, null);
  const selectedHistory = useLogHistory(service, fn, selectedRequestId, selectedRequestId !== null);

  const [requestFilter, setRequestFilter] = useState('');
  const [instanceFilter, setInstanceFilter] = useState('');
  const [cleared, setCleared] = useState({ key, throughId: 0 });
  const clearedThroughId = cleared.key === key ? cleared.throughId : 0;

  // Picking a request in History narrows the log to it; un-picking it (or a new invoke) widens it again.
  const followedSelection = useRef<string | null>(null);
  useEffect(() => {
    const previous = followedSelection.current;
    followedSelection.current = selectedRequestId;
    if (selectedRequestId) setRequestFilter(selectedRequestId);
    else if (previous) setRequestFilter((f) => (f === previous ? '' : f));
  }, [selectedRequestId]);

  const all = useMemo(() => mergeLines(history.data ?? [], selectedHistory.data ?? [], live), [history.data, selectedHistory.data, live]);
  const ofFunction = useMemo(() => filterLines(all, { service, fn, requestId: '', instanceId: '', clearedThroughId }), [all, service, fn, clearedThroughId]);
  const shown = useMemo(
    () => filterLines(ofFunction, { service, fn, requestId: requestFilter, instanceId: instanceFilter, clearedThroughId }),
    [ofFunction, service, fn, requestFilter, instanceFilter, clearedThroughId],
  );
  const instanceIds = useMemo(() => {
    const ids = instanceIdsOf(ofFunction);
    for (const t of Object.values(liveInstances)) {
      if (t.info.serviceName === service && t.info.functionName === fn && !ids.includes(t.info.instanceId)) ids.push(t.info.instanceId);
    }
    return ids;
  }, [ofFunction, liveInstances, service, fn]);
  const inDom = shown.length > MAX_DOM_LINES ? shown.slice(-MAX_DOM_LINES) : shown;

  const boxRef = useRef<HTMLDivElement>(null);
  const tail = useTailFollow(boxRef, inDom[inDom.length - 1]?.id ?? 0);

  const clear = () => {
    setCleared({ key, throughId: all.length ? all[all.length - 1].id : 0 });
    clearLive();
  };

  return (
    <section aria-label="Logs" className="pane logs">
      <LogToolbar
        count={shown.length}
        requestFilter={requestFilter}
        onRequestFilter={setRequestFilter}
        instanceFilter={instanceFilter}
        onInstanceFilter={setInstanceFilter}
        instanceIds={instanceIds}
        copyText={() => toClipboardText(shown)}
        onClear={clear}
      />
      <div className="log-frame">
        <div ref={boxRef} className="log-box" role="log" aria-label="Log lines" tabIndex={0} onScroll={tail.onScroll}>
          {shown.length > inDom.length && <div className="hint log-capped">Showing the last {MAX_DOM_LINES} of {shown.length} lines.</div>}
          {inDom.map((l) => (
            <LogRow key={l.id} line={l} />
          ))}
          {shown.length === 0 && (
            <div className="hint log-empty">
              {ofFunction.length ? 'No line matches the filters.' : history.isPending ? 'Loading logs…' : `No logs yet for ${service}/${fn}.`}
            </div>
          )}
        </div>
        {!tail.following && (
          <button type="button" className="btn btn-small log-jump" onClick={tail.jump}>
            Jump to latest
          </button>
        )}
      </div>
    </section>
  );
}
