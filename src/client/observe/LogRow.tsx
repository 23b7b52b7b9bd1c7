import { memo } from 'react';
import type { LogLine } from '../../shared/observe.ts';
import { formatClock, shortInstanceId } from './format.ts';
import { isInvokeStart, levelClass } from './log-lines.ts';

/**
 * One log line. Memoised: with thousands on screen, a new line must not re-render the others.
 * System lines (FC's own) are set apart, and each `FC Invoke Start` opens a visibly new block.
 */
export const LogRow = memo(function LogRow({ line }: { line: LogLine }) {
  const classes = ['log-line', levelClass(line.level)];
  if (line.source === 'system') classes.push('source-system');
  if (isInvokeStart(line)) classes.push('log-invoke-start');
  if (line.source === 'stderr') classes.push('log-stderr');
  return (
    <div className={classes.join(' ')} data-source={line.source} data-request-id={line.requestId ?? undefined}>
      <span className="log-time" title={line.time}>{formatClock(line.time)}</span>
      <span className="log-instance" title={line.instanceId ?? 'no instance'}>{line.instanceId ? shortInstanceId(line.instanceId).slice(-4) : ''}</span>
      <span className="log-text">{line.text}</span>
    </div>
  );
});
