import { useState } from 'react';
import type { LayerVersion } from '../../shared/releases-api.ts';
import { formatSize } from '../observe/format.ts';
import { useWorkspace } from '../workspace/store.ts';
import { ActionError } from './ActionError.tsx';
import { useLayerVersions, useLayers } from './queries.ts';

/** FC merges at most five layers into a function's /opt. */
export const MAX_LAYERS = 5;

/** The account's layers (each at its newest version), their older versions on demand, each attachable. */
export function LayerList() {
  const layers = useLayers();
  return (
    <div className="rel-layer-list">
      <h3 className="rel-subheading">Layers</h3>
      <ActionError error={layers.error} />
      {layers.data?.length === 0 && <p className="hint">No layers yet: publish a zip below.</p>}
      <ul className="rel-list" aria-label="Available layers">
        {layers.data?.map((l) => <LayerRow key={l.layerName} layer={l} />)}
      </ul>
    </div>
  );
}

function LayerRow({ layer }: { layer: LayerVersion }) {
  const [open, setOpen] = useState(false);
  const versions = useLayerVersions(layer.layerName, open);
  return (
    <li className="rel-item" aria-label={`Layer ${layer.layerName}`}>
      <div className="rel-line">
        <button type="button" className="btn-icon rel-toggle" aria-expanded={open} aria-label={`Versions of ${layer.layerName}`} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        <code className="rel-name">{layer.layerName}</code>
        <span className="rel-desc hint" title={layer.compatibleRuntime.join(', ')}>{layer.compatibleRuntime.join(', ')}</span>
        {!open && <AttachButton layer={layer} />}
      </div>
      {open && (
        <ul className="rel-sublist" aria-label={`Versions of layer ${layer.layerName}`}>
          {(versions.data ?? [layer]).map((v) => (
            <li key={v.version} className="rel-line">
              <code>v{v.version}</code>
              <span className="rel-desc" title={v.description}>{v.description || <span className="hint">no description</span>}</span>
              {v.codeSize !== undefined && <span className="hint">{formatSize(v.codeSize)}</span>}
              <AttachButton layer={v} />
            </li>
          ))}
        </ul>
      )}
      <ActionError error={versions.error} />
    </li>
  );
}

function AttachButton({ layer }: { layer: LayerVersion }) {
  const attached = useWorkspace((s) => s.manifest.layers);
  const setManifest = useWorkspace((s) => s.setManifest);
  // the acs: form, as FC writes a function's layers; the older one from a service that lacks it
  const arn = layer.arnV2 ?? layer.arn;
  const has = attached.includes(arn) || attached.includes(layer.arn);
  return (
    <button
      type="button"
      className="btn btn-small"
      aria-label={`Attach ${layer.layerName} version ${layer.version}`}
      disabled={has || attached.length >= MAX_LAYERS}
      title={has ? 'attached' : attached.length >= MAX_LAYERS ? `a function takes at most ${MAX_LAYERS} layers` : arn}
      onClick={() => setManifest({ layers: [...attached, arn] })}
    >
      {has ? 'Attached' : 'Attach'}
    </button>
  );
}
