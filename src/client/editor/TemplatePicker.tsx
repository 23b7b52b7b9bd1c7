import { useState } from 'react';
import { isContainerRuntime, isCustomRuntime } from '../../shared/function-config.ts';
import { useWorkspace } from '../workspace/store.ts';
import { TEMPLATES, templateById, templateLoad } from '../workspace/templates.ts';

const GROUPS = [
  { label: 'Node.js', match: (runtime: string) => runtime.startsWith('nodejs') },
  { label: 'Custom Runtime', match: isCustomRuntime },
  { label: 'Go', match: (runtime: string) => runtime === 'go1' },
  { label: 'Custom Container', match: isContainerRuntime },
];

/** Replaces the workspace's files and runtime settings with a starting template. */
export function TemplatePicker() {
  const [id, setId] = useState(TEMPLATES[0].id);

  const use = () => {
    const template = templateById(id);
    if (!template) return;
    const ws = useWorkspace.getState();
    ws.load(templateLoad(template, ws.manifest));
    // a template that explains itself opens on its explanation
    if (template.files['README.md']) useWorkspace.getState().setOpenFile('README.md');
  };

  return (
    <div className="template-picker">
      <select aria-label="Template" title="Template" className="input input-compact template-select" value={id} onChange={(e) => setId(e.target.value)}>
        {GROUPS.map((g) => (
          <optgroup key={g.label} label={g.label}>
            {TEMPLATES.filter((t) => g.match(t.runtime)).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </optgroup>
        ))}
      </select>
      <button type="button" className="btn btn-small" onClick={use} title="Replace the files and runtime settings with this template">
        Use template
      </button>
    </div>
  );
}
