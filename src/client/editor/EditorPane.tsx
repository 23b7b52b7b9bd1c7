/** Placeholder until this pane is built. */
export function EditorPane() {
  return <section aria-label="Code" className="pane"><h2 className="pane-title">Code</h2></section>;
}
