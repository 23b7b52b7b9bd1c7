/** Placeholder until this pane is built. */
export function HistoryView() {
  return <section aria-label="History" className="pane"><h2 className="pane-title">History</h2></section>;
}
