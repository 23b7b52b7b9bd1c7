import { createContext, useContext, useEffect, useId, useState, type ReactNode } from 'react';
import { joinTokens, splitTokens } from './command-tokens.ts';
import { MANIFEST_FIELDS, type ManifestErrors, type ManifestField } from './manifest-fields.ts';

/** The messages to show, per field; the form provides them once instead of threading them through. */
export const FieldErrorsContext = createContext<ManifestErrors>({});

/** Ids and the error of one field, wired the way assistive tech (and the tests) read them. */
export function useFieldWiring(field: ManifestField) {
  const id = useId();
  const error = useContext(FieldErrorsContext)[field];
  const errorId = `${id}-error`;
  const control = { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': error ? errorId : undefined } as const;
  return { id, error, errorId, control };
}

export function FieldError(props: { id: string; error: string | undefined }) {
  return props.error ? (
    <span id={props.id} className="error-text">
      {props.error}
    </span>
  ) : null;
}

/** A label over its control with the error right under it; the label text is the accessible name. */
function FieldShell(props: { field: ManifestField; wiring: ReturnType<typeof useFieldWiring>; children: ReactNode }) {
  return (
    <div className="field">
      <label className="label" htmlFor={props.wiring.id} title={MANIFEST_FIELDS[props.field].label}>
        {MANIFEST_FIELDS[props.field].label}
      </label>
      {props.children}
      <FieldError id={props.wiring.errorId} error={props.wiring.error} />
    </div>
  );
}

export function TextField(props: { field: ManifestField; value: string; onChange(v: string): void; placeholder?: string; mono?: boolean }) {
  const wiring = useFieldWiring(props.field);
  return (
    <FieldShell field={props.field} wiring={wiring}>
      <input
        {...wiring.control}
        className={props.mono === false ? 'input' : 'input mono'}
        spellCheck={false}
        autoComplete="off"
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </FieldShell>
  );
}

/**
 * The text a user is typing, kept apart from the value it stands for, so "1." or a trailing space
 * survives a re-render; it follows the value when the value changes from outside (an import).
 */
function useEditedText<T>(value: T, format: (v: T) => string, parse: (text: string) => T, same: (a: T, b: T) => boolean) {
  const [text, setText] = useState(() => format(value));
  useEffect(() => {
    setText((current) => (same(parse(current), value) ? current : format(value)));
    // format/parse/same are fixed per field; only an outside change of the value matters here
  }, [value]);
  return [text, setText] as const;
}

const sameNumber = (a: number, b: number) => a === b || (Number.isNaN(a) && Number.isNaN(b));
/** Empty means unset: NaN, which the schema reports as "required" (never a crash). */
const parseNumber = (text: string) => (text.trim() === '' ? NaN : Number(text));

export function NumberField(props: {
  field: ManifestField;
  value: number;
  onChange(v: number): void;
  min?: number;
  max?: number;
  step?: number;
  /** common values, offered by the browser as the user types */
  suggestions?: readonly number[];
}) {
  const wiring = useFieldWiring(props.field);
  // a reload turns a persisted NaN into null: both show as empty
  const format = (v: number) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const [text, setText] = useEditedText(props.value, format, parseNumber, sameNumber);
  return (
    <FieldShell field={props.field} wiring={wiring}>
      <input
        {...wiring.control}
        type="number"
        className="input mono"
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        list={props.suggestions ? `${wiring.id}-suggestions` : undefined}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          props.onChange(parseNumber(e.target.value));
        }}
      />
      {props.suggestions && (
        <datalist id={`${wiring.id}-suggestions`}>
          {props.suggestions.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      )}
    </FieldShell>
  );
}

const sameTokens = (a: string[], b: string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

/** Space-separated tokens (quotes group), stored as the string array FC takes. */
export function TokensField(props: { field: ManifestField; value: string[]; onChange(v: string[]): void; placeholder?: string }) {
  const wiring = useFieldWiring(props.field);
  const [text, setText] = useEditedText(props.value, joinTokens, splitTokens, sameTokens);
  return (
    <FieldShell field={props.field} wiring={wiring}>
      <input
        {...wiring.control}
        className="input mono"
        spellCheck={false}
        autoComplete="off"
        value={text}
        placeholder={props.placeholder}
        onChange={(e) => {
          setText(e.target.value);
          props.onChange(splitTokens(e.target.value));
        }}
      />
    </FieldShell>
  );
}

export function SelectField<T extends string>(props: {
  field: ManifestField;
  value: T;
  onChange(v: T): void;
  options: readonly (readonly [value: T, label: string])[] | { group: string; options: readonly (readonly [T, string])[] }[];
}) {
  const wiring = useFieldWiring(props.field);
  const option = ([value, label]: readonly [T, string]) => (
    <option key={value} value={value}>
      {label}
    </option>
  );
  return (
    <FieldShell field={props.field} wiring={wiring}>
      <select {...wiring.control} className="input" value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.options.map((o) =>
          'group' in o ? (
            <optgroup key={o.group} label={o.group}>
              {o.options.map(option)}
            </optgroup>
          ) : (
            option(o)
          ),
        )}
      </select>
    </FieldShell>
  );
}

/** A yes/no setting: the box before its label, the error under both. */
export function CheckboxField(props: { field: ManifestField; value: boolean; onChange(v: boolean): void; hint?: string }) {
  const wiring = useFieldWiring(props.field);
  return (
    <div className="field mf-check">
      <label className="mf-check-label" title={props.hint}>
        <input {...wiring.control} type="checkbox" checked={props.value} onChange={(e) => props.onChange(e.target.checked)} />
        {MANIFEST_FIELDS[props.field].label}
      </label>
      <FieldError id={wiring.errorId} error={wiring.error} />
    </div>
  );
}
