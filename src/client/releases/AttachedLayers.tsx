import { useWorkspace } from '../workspace/store.ts';

/** `acs:fc:<region>:<account>:layers/<name>/versions/<n>` (or the older `<owner>#<name>#<n>`) → `name` and `n`. */
export function layerOfArn(arn: string): { name: string; version: string } {
  const m = /layers\/([^/]+)\/versions\/(\d+)$/.exec(arn) ?? /^[^#]*#([^#]+)#(\d+)$/.exec(arn);
  return m ? { name: m[1]!, version: m[2]! } : { name: arn, version: '?' };
}

/**
 * The function's layers in merge order: FC lays them under /opt in this order and the first one's
 * file wins. Part of the manifest: the next deploy sends them.
 */
export function AttachedLayers() {
  const layers = useWorkspace((s) => s.manifest.layers);
  const setManifest = useWorkspace((s) => s.setManifest);
  const move = (i: number, by: -1 | 1) => {
    const next = [...layers];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    setManifest({ layers: next });
  };
  return (
    <div className="rel-attached">
      <h3 className="rel-subheading">Attached to the function</h3>
      {layers.length === 0 ? (
        <p className="hint">None. Attach a layer below; the next deploy sends it.</p>
      ) : (
        <ol className="rel-list" aria-label="Attached layers">
          {layers.map((arn, i) => {
            const { name, version } = layerOfArn(arn);
            return (
              <li key={arn} className="rel-line rel-item" aria-label={`Attached ${name} version ${version}`}>
                <span className="rel-order">{i + 1}</span>
                <code className="rel-name" title={arn}>{name}</code>
                <code className="hint">v{version}</code>
                <span className="spacer" />
                <button type="button" className="btn-icon" aria-label={`Move ${name} up`} disabled={i === 0} onClick={() => move(i, -1)}>↑</button>
                <button type="button" className="btn-icon" aria-label={`Move ${name} down`} disabled={i === layers.length - 1} onClick={() => move(i, 1)}>↓</button>
                <button type="button" className="btn btn-small" aria-label={`Detach ${name} version ${version}`} onClick={() => setManifest({ layers: layers.filter((x) => x !== arn) })}>
                  Detach
                </button>
              </li>
            );
          })}
        </ol>
      )}
      {layers.length > 1 && <p className="hint">The first layer's files win where two hold the same path under /opt.</p>}
    </div>
  );
}
