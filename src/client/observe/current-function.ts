import { fnKey } from '../api/live.ts';
import { useWorkspace } from '../workspace/store.ts';

/** The function the observe panes are about: the one named in the manifest being edited. */
export function useCurrentFunction() {
  const service = useWorkspace((s) => s.manifest.serviceName);
  const fn = useWorkspace((s) => s.manifest.functionName);
  return { service, fn, key: fnKey(service, fn) };
}
