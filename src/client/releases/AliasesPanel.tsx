import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Alias, Version } from '../../shared/releases-api.ts';
import { releasesApi } from '../api/releases.ts';
import { useCurrentFunction } from '../observe/current-function.ts';
import { ActionError } from './ActionError.tsx';
import { AliasEditor } from './AliasEditor.tsx';
import { AliasSplit } from './AliasSplit.tsx';
import { ProvisionTarget } from './ProvisionTarget.tsx';
import { releaseKeys, useAliases, useVersions } from './queries.ts';

/** The service's aliases: where each points, how its calls split, and its provisioned instances. */
export function AliasesPanel() {
  const { service, fn } = useCurrentFunction();
  const aliases = useAliases(service);
  const versions = useVersions(service).data ?? [];
  const [editing, setEditing] = useState<string | null>(null);

  return (
    <section aria-label="Aliases" className="pane releases">
      <div className="pane-title">
        <h2 className="obs-heading">Aliases</h2>
        <span className="spacer" />
        <button type="button" className="btn btn-small rel-title-btn" disabled={versions.length === 0 || editing === ''} title={versions.length === 0 ? 'Publish a version first' : undefined} onClick={() => setEditing('')}>
          New alias
        </button>
      </div>
      {editing === '' && <AliasEditor service={service} versions={versions} onDone={() => setEditing(null)} />}
      <ActionError error={aliases.error} />
      {aliases.data?.length === 0 && editing !== '' && <p className="hint">No aliases. An alias names a version (and can send a share of its calls to another).</p>}
      <ul className="rel-list" aria-label="Alias list">
        {aliases.data?.map((a) =>
          editing === a.aliasName ? (
            <li key={a.aliasName} className="rel-item">
              <AliasEditor service={service} versions={versions} alias={a} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <AliasRow key={a.aliasName} service={service} fn={fn} alias={a} versions={versions} onEdit={() => setEditing(a.aliasName)} />
          ),
        )}
      </ul>
    </section>
  );
}

function AliasRow({ service, fn, alias: a, onEdit }: { service: string; fn: string; alias: Alias; versions: Version[]; onEdit(): void }) {
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => releasesApi.deleteAlias(service, a.aliasName),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: releaseKeys.aliases(service) }),
  });
  const extra = Object.entries(a.additionalVersionWeight ?? {});
  const mainShare = 100 - extra.reduce((n, [, w]) => n + Math.round(w * 100), 0);
  return (
    <li className="rel-item" aria-label={`Alias ${a.aliasName}`}>
      <div className="rel-line">
        <code className="rel-name">{a.aliasName}</code>
        <span className="spacer" />
        <button type="button" className="btn btn-small" aria-label={`Edit alias ${a.aliasName}`} onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="btn btn-small" aria-label={`Delete alias ${a.aliasName}`} disabled={remove.isPending} onClick={() => remove.mutate()}>
          Delete
        </button>
      </div>
      <p className="rel-route">
        → v{a.versionId} {extra.length > 0 && `${mainShare} %`}
        {extra.map(([v, w]) => ` · v${v} ${Math.round(w * 100)} %`)}
      </p>
      {a.description && <p className="hint rel-alias-desc">{a.description}</p>}
      <AliasSplit service={service} fn={fn} alias={a} />
      <ProvisionTarget service={service} fn={fn} qualifier={a.aliasName} />
      <ActionError error={remove.error} />
    </li>
  );
}
