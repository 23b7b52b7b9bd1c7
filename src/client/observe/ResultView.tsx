/** Placeholder until this pane is built. */
export function ResultView() {
  return <section aria-label="Result" className="pane"><h2 className="pane-title">Result</h2></section>;
}
