import { useEffect, useId, useRef, useState } from 'react';

interface Props {
  initial: string;
  /** why the typed name cannot be used, or null */
  validate(name: string): string | null;
  /** byKey: Enter or Escape ended the edit (focus may go back to the tree), not a click elsewhere */
  onConfirm(name: string, byKey: boolean): void;
  onCancel(byKey: boolean): void;
  /** indentation, to sit where the new or renamed row will be */
  level: number;
}

/**
 * The inline name field of the file tree. Enter confirms, Escape cancels; leaving the field keeps
 * a valid name (as editors do) and drops an empty or invalid one.
 */
export function NameInput({ initial, validate, onConfirm, onCancel, level }: Props) {
  const [value, setValue] = useState(initial);
  const [touched, setTouched] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  // Enter or Escape ends the edit; the blur that follows the unmount must not end it again.
  const done = useRef(false);
  const errorId = useId();
  const problem = validate(value);

  useEffect(() => {
    const input = ref.current;
    if (!input) return;
    input.focus();
    // Select the name without its extension, so typing replaces just that.
    const dot = initial.lastIndexOf('.');
    input.setSelectionRange(0, dot > 0 ? dot : initial.length);
  }, [initial]);

  const finish = (confirm: boolean, byKey: boolean) => {
    if (done.current) return;
    if (confirm && problem) {
      setTouched(true);
      return;
    }
    done.current = true;
    if (confirm) onConfirm(value.trim(), byKey);
    else onCancel(byKey);
  };

  return (
    <li role="none" className="tree-edit" style={{ paddingLeft: 8 + (level - 1) * 12 }}>
      <input
        ref={ref}
        className="input tree-input"
        aria-label="File name"
        aria-invalid={touched && problem ? true : undefined}
        aria-describedby={touched && problem ? errorId : undefined}
        value={value}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => {
          setValue(e.target.value);
          setTouched(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            finish(true, true);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            finish(false, true);
          }
        }}
        onBlur={() => finish(!problem, false)}
      />
      {touched && problem && (
        <div id={errorId} className="error-text tree-input-error" role="alert">
          {problem}
        </div>
      )}
    </li>
  );
}
