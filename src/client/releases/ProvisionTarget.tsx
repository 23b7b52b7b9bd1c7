import { useEffect, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { releasesApi } from '../api/releases.ts';
import { ActionError } from './ActionError.tsx';
import { releaseKeys, useProvision } from './queries.ts';

/**
 * How many instances to keep started ahead of traffic for a function at an alias or LATEST (FC
 * refuses a version), and how many of them are ready (`current`).
 */
export function ProvisionTarget({ service, fn, qualifier }: { service: string; fn: string; qualifier: string }) {
  const config = useProvision(service, qualifier, fn);
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<string | null>(null);
  const target = config.data?.target ?? 0;
  const current = config.data?.current ?? 0;
  useEffect(() => setDraft(null), [target]);
  const put = useMutation({
    mutationFn: (n: number) => releasesApi.putProvision(service, qualifier, fn, n),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: releaseKeys.provision(service, qualifier, fn) }),
  });
  const value = draft ?? String(target);
  const n = Number(value);
  const valid = value !== '' && Number.isInteger(n) && n >= 0 && n <= 10000;

  return (
    <div className="rel-provision" role="group" aria-label={`Provisioned instances of ${fn} at ${qualifier}`}>
      <label className="rel-provision-field">
        <span className="label" title={`instances of ${fn} kept started for ${qualifier}, ahead of traffic`}>Provisioned</span>
        <input className="input mono" type="number" min={0} max={10000} aria-label={`Provision target at ${qualifier}`} value={value} onChange={(e) => setDraft(e.target.value)} />
      </label>
      <button type="button" className="btn btn-small" disabled={!valid || put.isPending || (draft === null && !put.isError)} onClick={() => put.mutate(n)}>
        {put.isPending ? 'Setting…' : 'Set target'}
      </button>
      <span className={current === target ? 'hint rel-current' : 'rel-current rel-pending'} aria-label={`Provisioned ready at ${qualifier}`}>
        {current} of {target} ready
      </span>
      {config.data?.currentError && <span className="error-text">{config.data.currentError}</span>}
      <ActionError error={put.error} />
    </div>
  );
}
