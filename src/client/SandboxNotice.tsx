import { useQuery } from '@tanstack/react-query';
import { api } from './api/client.ts';

/**
 * One calm line under the top bar when instances run unisolated (no bubblewrap, or --sandbox off):
 * what that means and what to install. Nothing is shown while the sandbox works.
 */
export function SandboxNotice() {
  const info = useQuery({ queryKey: ['service-info'], queryFn: api.info, staleTime: Infinity, retry: false });
  const sandbox = info.data?.sandbox;
  if (!sandbox || sandbox.kind !== 'none') return null;
  return (
    <aside className="sandbox-notice" role="note" aria-label="Sandbox notice">
      {sandbox.notices.join(' ')}
    </aside>
  );
}
