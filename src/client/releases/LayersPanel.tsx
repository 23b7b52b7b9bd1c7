import { AttachedLayers } from './AttachedLayers.tsx';
import { LayerList } from './LayerList.tsx';
import { LayerUpload } from './LayerUpload.tsx';

/** Layers: what the function has under /opt, the account's layers to attach, and a zip upload. */
export function LayersPanel() {
  return (
    <section aria-label="Layers" className="pane releases">
      <h2 className="pane-title">Layers</h2>
      <AttachedLayers />
      <LayerList />
      <LayerUpload />
    </section>
  );
}
