/** Editable name/value rows (query parameters, headers), each input labelled for screen readers and tests. */
export function KeyValueRows(props: {
  label: string;
  rows: [string, string][];
  onChange(rows: [string, string][]): void;
  keyLabel: string;
  valueLabel: string;
}) {
  const { rows, onChange } = props;
  const set = (i: number, col: 0 | 1, v: string) => onChange(rows.map((r, j) => (j === i ? (col === 0 ? [v, r[1]] : [r[0], v]) : r)));
  return (
    <fieldset className="kv-rows" aria-label={props.label}>
      <legend className="label">{props.label}</legend>
      {rows.map(([k, v], i) => (
        <div className="kv-row" key={i}>
          <input className="input mono" aria-label={props.keyLabel} value={k} onChange={(e) => set(i, 0, e.target.value)} />
          <input className="input mono" aria-label={props.valueLabel} value={v} onChange={(e) => set(i, 1, e.target.value)} />
          <button type="button" className="btn btn-icon" aria-label={`Remove ${props.keyLabel.toLowerCase()} ${k}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button type="button" className="btn btn-small" onClick={() => onChange([...rows, ['', '']])}>
        Add {props.keyLabel.toLowerCase()}
      </button>
    </fieldset>
  );
}
