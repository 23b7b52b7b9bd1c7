/** Placeholder until this pane is built. */
export function InstancesView() {
  return <section aria-label="Instances" className="pane"><h2 className="pane-title">Instances</h2></section>;
}
