import { useRef, type ReactNode } from 'react';

const TOKEN_RE = /("(?:\\.|[^"\\])*"(?=\s*:))|("(?:\\.|[^"\\])*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

/** Splits JSON-ish text into coloured spans; any text goes, only recognisable tokens are coloured. */
function highlight(text: string) {
  const out: ReactNode[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN_RE)) {
    if (m.index! > last) out.push(text.slice(last, m.index));
    const cls = m[1] ? 'tok-key' : m[2] ? 'tok-string' : m[3] ? 'tok-number' : 'tok-literal';
    out.push(
      <span key={m.index} className={cls}>
        {m[0]}
      </span>,
    );
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last) + '\n'); // the trailing newline keeps the layer as tall as the textarea
  return out;
}

/**
 * The event payload: a plain textarea (any bytes go, and it stays a labelled form control) over a
 * highlighted copy of its text, so JSON reads as JSON without loading an editor for a few lines.
 */
export function PayloadEditor(props: { value: string; onChange(v: string): void; isJson: boolean; label: ReactNode }) {
  const layer = useRef<HTMLPreElement>(null);
  return (
    <label className="field">
      <span className="label">{props.label}</span>
      <div className="payload-editor">
        <pre ref={layer} className="payload-layer" aria-hidden>
          {props.isJson ? highlight(props.value) : props.value + '\n'}
        </pre>
        <textarea
          className="input payload-input"
          rows={6}
          value={props.value}
          spellCheck={false}
          onChange={(e) => props.onChange(e.target.value)}
          onScroll={(e) => {
            if (layer.current) layer.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
    </label>
  );
}
