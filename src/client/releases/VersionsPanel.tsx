import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LATEST, type Version } from '../../shared/releases-api.ts';
import { releasesApi } from '../api/releases.ts';
import { useCurrentFunction } from '../observe/current-function.ts';
import { formatClock } from '../observe/format.ts';
import { ActionError } from './ActionError.tsx';
import { ProvisionTarget } from './ProvisionTarget.tsx';
import { releaseKeys, useVersions } from './queries.ts';

/**
 * Publish version: an immutable snapshot of the deployed service (every function's code and
 * configuration). The list of versions, newest first, each deletable unless an alias points at it.
 */
export function VersionsPanel() {
  const { service, fn } = useCurrentFunction();
  const versions = useVersions(service);
  const queryClient = useQueryClient();
  const [description, setDescription] = useState('');
  const publish = useMutation({
    mutationFn: () => releasesApi.publishVersion(service, description),
    onSuccess: () => {
      setDescription('');
      void queryClient.invalidateQueries({ queryKey: releaseKeys.versions(service) });
    },
  });

  return (
    <section aria-label="Versions" className="pane releases">
      <h2 className="pane-title">Versions</h2>
      <form
        className="rel-publish"
        onSubmit={(e) => {
          e.preventDefault();
          publish.mutate();
        }}
      >
        <input className="input" aria-label="Version description" placeholder="What changed (optional)" value={description} maxLength={256} onChange={(e) => setDescription(e.target.value)} />
        <button type="submit" className="btn" disabled={publish.isPending}>
          {publish.isPending ? 'Publishing…' : 'Publish version'}
        </button>
      </form>
      {publish.data && !publish.isPending && (
        <p role="status" className="hint">
          Published version {publish.data.versionId}.
        </p>
      )}
      <ActionError error={publish.error} />
      {versions.error && <ActionError error={versions.error} />}
      {versions.data && versions.data.length === 0 && <p className="hint">No versions yet: deploy, then publish one to freeze what LATEST runs.</p>}
      {versions.data && versions.data.length > 0 && (
        <ul className="rel-list" aria-label="Published versions">
          {versions.data.map((v) => (
            <VersionRow key={v.versionId} service={service} version={v} />
          ))}
        </ul>
      )}
      <h3 className="rel-subheading">LATEST</h3>
      <ProvisionTarget service={service} fn={fn} qualifier={LATEST} />
    </section>
  );
}

function VersionRow({ service, version: v }: { service: string; version: Version }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => releasesApi.deleteVersion(service, v.versionId),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: releaseKeys.versions(service) }),
  });
  return (
    <li className="rel-item" aria-label={`Version ${v.versionId}`}>
      <div className="rel-line">
        <code className="rel-name">v{v.versionId}</code>
        <span className="rel-desc" title={v.description}>{v.description || <span className="hint">no description</span>}</span>
        <span className="hint rel-time" title={v.createdTime}>{formatClock(v.createdTime, false)}</span>
        <button type="button" className="btn btn-small" aria-label={`Delete version ${v.versionId}`} disabled={remove.isPending} onClick={() => remove.mutate()}>
          Delete
        </button>
      </div>
      <ActionError error={remove.error} />
    </li>
  );
}
