import { INVOCATION_ID_RE } from '../../shared/async-invocation.ts';
import { useAsyncSwitch } from './async-switch.ts';

const HTTP_TITLE = 'An HTTP function is called through its trigger and answers the request: FC queues only event functions asynchronously';

/** Beside Invoke: on, Invoke queues the event (FC's x-fc-invocation-type: Async) and answers 202. */
export function AsyncSwitch({ http }: { http: boolean }) {
  const enabled = useAsyncSwitch((s) => s.enabled);
  const set = useAsyncSwitch((s) => s.set);
  return (
    <label className="async-switch" title={http ? HTTP_TITLE : 'Queue the event and answer 202 at once; the function runs later, retried on error'}>
      <input type="checkbox" role="switch" aria-checked={enabled && !http} checked={enabled && !http} disabled={http} onChange={(e) => set({ enabled: e.target.checked })} />
      Async
    </label>
  );
}

/** The optional stateful invocation id, while the switch is on. */
export function AsyncInvocationId() {
  const enabled = useAsyncSwitch((s) => s.enabled);
  const invocationId = useAsyncSwitch((s) => s.invocationId);
  const set = useAsyncSwitch((s) => s.set);
  if (!enabled) return null;
  const bad = invocationId.trim() !== '' && (invocationId.trim().length > 128 || !INVOCATION_ID_RE.test(invocationId.trim()));
  return (
    <div className="field async-id">
      <label className="label" htmlFor="async-invocation-id">
        Invocation ID <span className="hint">(optional: makes it a stateful invocation you can stop)</span>
      </label>
      <input
        id="async-invocation-id"
        className="input mono"
        spellCheck={false}
        autoComplete="off"
        placeholder="order-1234"
        value={invocationId}
        aria-invalid={bad || undefined}
        onChange={(e) => set({ invocationId: e.target.value })}
      />
      {bad && <span className="error-text">starts with a letter or _, then letters, digits, _ and -; at most 128 characters</span>}
    </div>
  );
}
