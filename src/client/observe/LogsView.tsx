/** Placeholder until this pane is built. */
export function LogsView() {
  return <section aria-label="Logs" className="pane"><h2 className="pane-title">Logs</h2></section>;
}
