import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { releasesApi } from '../api/releases.ts';
import { runtimeGroups } from '../workspace/runtime-defaults.ts';
import { useWorkspace } from '../workspace/store.ts';
import { toBase64 } from '../workspace/zip.ts';
import { ActionError } from './ActionError.tsx';
import { releaseKeys } from './queries.ts';

/** FC's layer zips hold /opt's tree: python/, nodejs/node_modules/, bin/, lib/. */
const LAYOUT_HINT = 'The zip is merged under /opt: python/ for Python modules, nodejs/node_modules/ for Node.js ones, bin/ for programs.';

/** Publishes a zip as a new version of a layer (the first publish of a name creates the layer). */
export function LayerUpload() {
  const runtime = useWorkspace((s) => s.manifest.runtime);
  const queryClient = useQueryClient();
  const group = runtimeGroups().find((g) => g.options.some(([r]) => r === runtime));
  const choices = group?.options.map(([r]) => r) ?? [runtime];
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [runtimes, setRuntimes] = useState<string[]>([runtime]);
  const [file, setFile] = useState<File | null>(null);
  // a new key empties the file input once its zip is published
  const [inputKey, setInputKey] = useState(0);

  const publish = useMutation({
    mutationFn: async () => {
      const zipFile = toBase64(new Uint8Array(await file!.arrayBuffer()));
      return releasesApi.publishLayer(name, { description, code: { zipFile }, compatibleRuntime: runtimes });
    },
    onSuccess: () => {
      setFile(null);
      setInputKey((k) => k + 1);
      void queryClient.invalidateQueries({ queryKey: releaseKeys.layers });
    },
  });
  const toggle = (r: string, on: boolean) => setRuntimes((rs) => (on ? [...rs, r] : rs.filter((x) => x !== r)));

  return (
    <form
      className="rel-layer-upload"
      aria-label="Publish layer version"
      onSubmit={(e) => {
        e.preventDefault();
        publish.mutate();
      }}
    >
      <h3 className="rel-subheading">Publish a layer version</h3>
      <div className="field-row">
        <label className="field">
          <span className="label">Layer name</span>
          <input className="input mono" value={name} placeholder="my-libs" onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span className="label">Layer description</span>
          <input className="input" value={description} maxLength={256} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </div>
      <fieldset className="field rel-runtimes">
        <legend className="label">Compatible runtimes</legend>
        <div className="mf-chips">
          {choices.map((r) => (
            <label key={r} className="mf-chip">
              <input type="checkbox" checked={runtimes.includes(r)} onChange={(e) => toggle(r, e.target.checked)} />
              {r}
            </label>
          ))}
        </div>
      </fieldset>
      <label className="field">
        <span className="label">Layer zip</span>
        <input key={inputKey} className="input rel-file" type="file" accept=".zip,application/zip" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </label>
      <p className="hint">{LAYOUT_HINT}</p>
      <button type="submit" className="btn btn-small" disabled={!name || !file || runtimes.length === 0 || publish.isPending}>
        {publish.isPending ? 'Publishing…' : 'Publish layer'}
      </button>
      {publish.data && !publish.isPending && (
        <p role="status" className="hint">
          Published {publish.data.layerName} version {publish.data.version}.
        </p>
      )}
      <ActionError error={publish.error} />
    </form>
  );
}
