import { useEffect, useRef, useState } from 'react';
import { FieldError, useFieldWiring } from './fields.tsx';
import { envRowErrors } from './validate-manifest.ts';

type Row = [string, string];

/**
 * The function's environment variables as name/value rows. A bad name is marked on its own row;
 * a problem of the whole set (the 4 KB limit, or the service's word after a deploy) under the table.
 */
export function EnvVarTable(props: { rows: Row[]; onChange(rows: Row[]): void }) {
  const { rows, onChange } = props;
  const wiring = useFieldWiring('environmentVariables');
  const rowErrors = envRowErrors(rows);
  const groupError = rowErrors.some(Boolean) ? undefined : wiring.error;
  const described = [...rowErrors.flatMap((e, i) => (e ? [`${wiring.id}-row${i}`] : [])), ...(groupError ? [wiring.errorId] : [])];

  // a new row gets the focus, so "Add variable" then typing just works
  const lastName = useRef<HTMLInputElement>(null);
  const [focusNew, setFocusNew] = useState(false);
  useEffect(() => {
    if (focusNew) lastName.current?.focus();
    setFocusNew(false);
  }, [focusNew]);

  const set = (i: number, row: Row) => onChange(rows.map((r, j) => (j === i ? row : r)));
  return (
    <fieldset className="mf-group" aria-describedby={described.length ? described.join(' ') : undefined}>
      <legend className="mf-legend">Environment variables</legend>
      {rows.length > 0 ? (
        <div className="mf-env">
          <span className="label" aria-hidden>
            Name
          </span>
          <span className="label" aria-hidden>
            Value
          </span>
          <span />
          {rows.map(([key, value], i) => (
            <div className="mf-env-row" key={i}>
              <input
                ref={i === rows.length - 1 ? lastName : undefined}
                className="input mono"
                aria-label="Variable name"
                aria-invalid={rowErrors[i] ? true : undefined}
                aria-describedby={rowErrors[i] ? `${wiring.id}-row${i}` : undefined}
                spellCheck={false}
                autoComplete="off"
                value={key}
                placeholder="NAME"
                onChange={(e) => set(i, [e.target.value, value])}
              />
              <input
                className="input mono"
                aria-label="Variable value"
                spellCheck={false}
                autoComplete="off"
                value={value}
                onChange={(e) => set(i, [key, e.target.value])}
              />
              <button
                type="button"
                className="btn btn-icon"
                aria-label="Remove variable"
                title={key ? `Remove ${key}` : 'Remove variable'}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                ×
              </button>
              <FieldError id={`${wiring.id}-row${i}`} error={rowErrors[i]} />
            </div>
          ))}
        </div>
      ) : (
        <p className="hint mf-empty">No variables. Names starting with FC_ are reserved for the platform.</p>
      )}
      <FieldError id={wiring.errorId} error={groupError} />
      <button
        type="button"
        className="btn btn-small"
        onClick={() => {
          onChange([...rows, ['', '']]);
          setFocusNew(true);
        }}
      >
        Add variable
      </button>
    </fieldset>
  );
}
