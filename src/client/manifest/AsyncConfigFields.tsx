import { useMemo } from 'react';
import { useWorkspace } from '../workspace/store.ts';
import { DEFAULT_ASYNC } from '../workspace/defaults.ts';
import type { AsyncDraft } from '../workspace/types.ts';
import { useDeployedFunction, useServiceFunctions, useServiceInfo } from '../async/queries.ts';
import { CheckboxField, NumberField, SelectField } from './fields.tsx';

const HINT = 'Retries after an error or timeout, the age past which an event is dropped, and the function that gets each outcome, for async calls at LATEST. Deploy applies it.';

/** The async invoke config (s.yaml's asyncConfiguration): off means the function has none. */
export function AsyncConfigFields() {
  const a = useWorkspace((s) => s.manifest.asyncConfig);
  const setManifest = useWorkspace((s) => s.setManifest);
  const set = (patch: Partial<AsyncDraft>) => setManifest({ asyncConfig: { ...(a ?? DEFAULT_ASYNC), ...patch } });
  return (
    <fieldset className="mf-group">
      <legend className="mf-legend">Async invocation</legend>
      <p className="hint mf-hint">{HINT}</p>
      <label className="mf-check-label">
        <input type="checkbox" checked={a !== null} onChange={(e) => setManifest({ asyncConfig: e.target.checked ? DEFAULT_ASYNC : null })} />
        Configure async invocation
      </label>
      {a && (
        <>
          <div className="field-row">
            <NumberField field="maxAsyncRetryAttempts" value={a.maxAsyncRetryAttempts} min={0} max={8} onChange={(maxAsyncRetryAttempts) => set({ maxAsyncRetryAttempts })} />
            <NumberField field="maxAsyncEventAgeInSeconds" value={a.maxAsyncEventAgeInSeconds} min={1} max={604800} onChange={(maxAsyncEventAgeInSeconds) => set({ maxAsyncEventAgeInSeconds })} />
          </div>
          <DestinationPicker field="destinationConfig.onSuccess.destination" value={a.onSuccess} onChange={(onSuccess) => set({ onSuccess })} />
          <DestinationPicker field="destinationConfig.onFailure.destination" value={a.onFailure} onChange={(onFailure) => set({ onFailure })} />
          <CheckboxField
            field="statefulInvocation"
            value={a.statefulInvocation}
            hint="Every async invocation is kept as a stateful one: listed, queried and stoppable by its id"
            onChange={(statefulInvocation) => set({ statefulInvocation })}
          />
        </>
      )}
    </fieldset>
  );
}

/** A function of this service that gets the record, as its ARN; an ARN from an imported s.yaml stays offered. */
function DestinationPicker(props: { field: 'destinationConfig.onSuccess.destination' | 'destinationConfig.onFailure.destination'; value: string; onChange(v: string): void }) {
  const service = useWorkspace((s) => s.manifest.serviceName);
  const self = useWorkspace((s) => s.manifest.functionName);
  const info = useServiceInfo();
  const functions = useServiceFunctions(service, useDeployedFunction(service, self));
  const options = useMemo(() => {
    const region = info.data?.region ?? '';
    const account = info.data?.accountId ?? '';
    const list: [string, string][] = [['', 'none']];
    if (region) {
      for (const f of functions.data ?? []) {
        if (f !== self) list.push([`acs:fc:${region}:${account}:services/${service}.LATEST/functions/${f}`, `${service}/${f}`]);
      }
    }
    if (props.value && !list.some(([v]) => v === props.value)) list.push([props.value, props.value]);
    return list;
  }, [info.data, functions.data, service, self, props.value]);
  return <SelectField field={props.field} value={props.value} options={options} onChange={props.onChange} />;
}
