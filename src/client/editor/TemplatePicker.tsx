import { useState } from 'react';
import { groupOf, runtimeGroups } from '../workspace/runtime-defaults.ts';
import { useWorkspace } from '../workspace/store.ts';
import { TEMPLATES, templateById, templateLoad } from '../workspace/templates.ts';

/**
 * The templates under the runtime list's groups, in its order: a language's templates show once
 * the service runs one of its runtimes (a group the service does not list has none).
 */
const GROUPS = runtimeGroups()
  .map(({ group }) => ({ label: group, templates: TEMPLATES.filter((t) => groupOf(t.runtime) === group) }))
  .filter((g) => g.templates.length > 0);

/** Replaces the workspace's files and runtime settings with a starting template. */
export function TemplatePicker() {
  const [id, setId] = useState(GROUPS[0]?.templates[0]?.id ?? '');

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
            {g.templates.map((t) => (
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
