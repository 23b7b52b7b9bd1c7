/** Placeholder until this pane is built. */
export function ExecutionSummary() {
  return <section aria-label="Execution summary" className="pane"><h2 className="pane-title">Execution summary</h2></section>;
}
