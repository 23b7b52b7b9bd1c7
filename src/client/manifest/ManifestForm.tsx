/** Placeholder until this pane is built. */
export function ManifestForm() {
  return <section aria-label="Manifest" className="pane"><h2 className="pane-title">Manifest</h2></section>;
}
