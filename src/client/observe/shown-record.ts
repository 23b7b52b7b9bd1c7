import type { InvocationRecord } from '../../shared/observe.ts';
import { useSession } from '../invoke/session.ts';
import { useInvocation } from './queries.ts';

export type ShownRecord =
  | { kind: 'none' }
  /** the last invoke failed before the function answered (throttled, not deployed, network) */
  | { kind: 'failed' }
  | { kind: 'loading'; requestId: string }
  | { kind: 'missing'; requestId: string; message: string }
  | { kind: 'result'; record: InvocationRecord }
  | { kind: 'selected'; record: InvocationRecord };

/**
 * Which invocation Result and Execution summary describe: the one picked in History when there is
 * one (fetched by id: only its record is stored, not its body), else the latest result.
 */
export function useShownRecord(): ShownRecord {
  const selectedRequestId = useSession((s) => s.selectedRequestId);
  const result = useSession((s) => s.result);
  const invokeFailed = useSession((s) => s.error?.action === 'invoke');
  const selected = useInvocation(selectedRequestId);
  if (selectedRequestId) {
    if (result && result.record.requestId === selectedRequestId) return { kind: 'result', record: result.record };
    if (selected.data) return { kind: 'selected', record: selected.data };
    if (selected.error) return { kind: 'missing', requestId: selectedRequestId, message: selected.error.message };
    return { kind: 'loading', requestId: selectedRequestId };
  }
  if (invokeFailed) return { kind: 'failed' };
  return result ? { kind: 'result', record: result.record } : { kind: 'none' };
}
