import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Alias, AliasBody, Version } from '../../shared/releases-api.ts';
import { releasesApi } from '../api/releases.ts';
import { ActionError } from './ActionError.tsx';
import { releaseKeys } from './queries.ts';

/**
 * Creates an alias or edits one: its main version, and one additional version with the share of
 * calls it takes (a gradual release). FC keeps the weight as 0–1; the slider says percent.
 */
export function AliasEditor(props: { service: string; versions: Version[]; alias?: Alias; onDone(): void }) {
  const { service, versions, alias } = props;
  const queryClient = useQueryClient();
  const [extraOf] = Object.entries(alias?.additionalVersionWeight ?? {});
  const [name, setName] = useState(alias?.aliasName ?? '');
  const [main, setMain] = useState(alias?.versionId ?? versions[0]?.versionId ?? '');
  const [extra, setExtra] = useState(extraOf?.[0] ?? '');
  const [percent, setPercent] = useState(Math.round((extraOf?.[1] ?? 0) * 100));
  const [description, setDescription] = useState(alias?.description ?? '');

  const save = useMutation({
    mutationFn: () => {
      const body: AliasBody = { versionId: main, description, additionalVersionWeight: extra && extra !== main ? { [extra]: percent / 100 } : {} };
      return alias ? releasesApi.updateAlias(service, alias.aliasName, body) : releasesApi.createAlias(service, { aliasName: name, ...body });
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: releaseKeys.aliases(service) });
      props.onDone();
    },
  });
  const title = alias ? `Edit alias ${alias.aliasName}` : 'New alias';

  return (
    <form
      className="rel-alias-form"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="field-row">
        <label className="field">
          <span className="label">Alias name</span>
          <input className="input mono" value={name} disabled={!!alias} placeholder="prod" onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span className="label">Main version</span>
          <select className="input mono" value={main} onChange={(e) => setMain(e.target.value)}>
            {versions.map((v) => (
              <option key={v.versionId} value={v.versionId}>{v.versionId}</option>
            ))}
          </select>
        </label>
      </div>
      <div className="field-row">
        <label className="field">
          <span className="label">Additional version</span>
          <select className="input mono" value={extra} onChange={(e) => setExtra(e.target.value)}>
            <option value="">none</option>
            {versions.filter((v) => v.versionId !== main).map((v) => (
              <option key={v.versionId} value={v.versionId}>{v.versionId}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="label">Description</span>
          <input className="input" value={description} maxLength={256} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </div>
      {extra && extra !== main && (
        <label className="field rel-weight">
          <span className="label">
            Weight of version {extra}: <output>{percent} %</output> <span className="hint">(version {main} takes {100 - percent} %)</span>
          </span>
          <input type="range" min={0} max={100} step={1} value={percent} aria-label={`Weight of version ${extra}`} aria-valuetext={`${percent} %`} onChange={(e) => setPercent(Number(e.target.value))} />
        </label>
      )}
      <div className="rel-actions">
        <button type="submit" className="btn btn-primary btn-small" disabled={save.isPending || !main || (!alias && !name)}>
          {alias ? 'Save alias' : 'Create alias'}
        </button>
        <button type="button" className="btn btn-small" onClick={props.onDone}>
          Cancel
        </button>
      </div>
      <ActionError error={save.error} />
    </form>
  );
}
