import { useEffect } from 'react';
import { LATEST } from '../../shared/releases-api.ts';
import { useCurrentFunction } from '../observe/current-function.ts';
import { useQualifier } from './qualifier.ts';
import { useAliases, useVersions } from './queries.ts';

/** LATEST, each published version, each alias: where Invoke sends its calls and what the views show. */
export function QualifierSelect() {
  const { service } = useCurrentFunction();
  const qualifier = useQualifier((s) => s.qualifier);
  const setQualifier = useQualifier((s) => s.setQualifier);
  const versionsQ = useVersions(service);
  const aliasesQ = useAliases(service);
  const versions = versionsQ.data ?? [];
  const aliases = aliasesQ.data ?? [];
  // a deleted version or alias (or another service) leaves nothing to point at: back to LATEST
  const known = qualifier === LATEST || versions.some((v) => v.versionId === qualifier) || aliases.some((a) => a.aliasName === qualifier);
  const loaded = versionsQ.isSuccess && aliasesQ.isSuccess;
  useEffect(() => {
    if (loaded && !known) setQualifier(LATEST);
  }, [loaded, known, setQualifier]);

  return (
    <label className="qualifier-select">
      <span className="label">Qualifier</span>
      <select className="input mono" value={known ? qualifier : LATEST} onChange={(e) => setQualifier(e.target.value)}>
        <option value={LATEST}>LATEST</option>
        {versions.length > 0 && (
          <optgroup label="Versions">
            {versions.map((v) => (
              <option key={v.versionId} value={v.versionId}>
                {`version ${v.versionId}${v.description ? ` · ${v.description}` : ''}`}
              </option>
            ))}
          </optgroup>
        )}
        {aliases.length > 0 && (
          <optgroup label="Aliases">
            {aliases.map((a) => (
              <option key={a.aliasName} value={a.aliasName}>
                {`${a.aliasName} → ${[a.versionId, ...Object.keys(a.additionalVersionWeight ?? {})].join(' + ')}`}
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </label>
  );
}
