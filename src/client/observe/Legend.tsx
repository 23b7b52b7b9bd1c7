import type { CSSProperties } from 'react';
import './legend.css';

/**
 * A row of colour swatches with names. The names are drawn by CSS (`content: attr(data-label)`),
 * not as text, so that "Idle" or "failed" on screen means a real instance or invocation and a
 * search for it finds that, not the legend. Screen readers get the same facts from each
 * picture's own accessible name.
 */
export function Legend({ items }: { items: { label: string; color: string; faint?: boolean }[] }) {
  return (
    <ul className="obs-legend" aria-hidden>
      {items.map((i) => (
        <li key={i.label} data-label={i.label} style={{ '--swatch': i.color, opacity: i.faint ? 0.6 : 1 } as CSSProperties} />
      ))}
    </ul>
  );
}
