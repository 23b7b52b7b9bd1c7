import { useRef, useState } from 'react';
import { useWorkspace } from '../workspace/store.ts';
import { manifestToSYaml, sYamlToManifest } from './s-yaml.ts';

/** An s.yaml is a few hundred bytes; anything near this is not one. */
const MAX_S_YAML_BYTES = 256 * 1024;

/**
 * Import and export of the manifest as a Serverless Devs s.yaml. Import replaces the whole
 * manifest (the files stay); a file that cannot be read changes nothing and says why, here.
 */
export function SYamlButtons() {
  const input = useRef<HTMLInputElement>(null);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);

  const importFile = async (file: File) => {
    try {
      if (file.size > MAX_S_YAML_BYTES) throw new Error(`${file.name} is ${Math.round(file.size / 1024)} KB; an s.yaml is at most ${MAX_S_YAML_BYTES / 1024} KB`);
      const manifest = sYamlToManifest(await file.text());
      useWorkspace.getState().load({ manifest });
      setOutcome({ ok: true, message: `Imported ${manifest.serviceName}/${manifest.functionName} from ${file.name}` });
    } catch (err) {
      setOutcome({ ok: false, message: `Could not import ${file.name}: ${err instanceof Error ? err.message : String(err)}` });
    }
  };

  const exportFile = () => {
    const text = manifestToSYaml(useWorkspace.getState().manifest);
    const url = URL.createObjectURL(new Blob([text], { type: 'text/yaml' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 's.yaml';
    a.click();
    // the download has started from the URL by now; revoking later keeps slow browsers safe
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setOutcome(null);
  };

  return (
    <>
      <div className="mf-actions">
        <button type="button" className="btn btn-small" onClick={() => input.current?.click()}>
          Import s.yaml
        </button>
        <button type="button" className="btn btn-small" onClick={exportFile}>
          Export s.yaml
        </button>
        <input
          ref={input}
          type="file"
          hidden
          aria-label="Import s.yaml file"
          accept=".yaml,.yml,text/yaml,application/yaml,application/x-yaml"
          onChange={(e) => {
            const file = e.target.files?.[0];
            // cleared so that picking the same file again (after fixing it) imports again
            e.target.value = '';
            if (file) void importFile(file);
          }}
        />
      </div>
      {outcome && (
        <p className={outcome.ok ? 'mf-outcome hint' : 'mf-outcome error-text'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.message}
        </p>
      )}
    </>
  );
}
