import { useMemo, type ReactNode } from 'react';
import { isContainerRuntime, isCustomRuntime } from '../../shared/function-config.ts';
import { ImagePanel } from '../images/ImagePanel.tsx';
import { ImageUpload } from '../images/ImageUpload.tsx';
import { groupOf, handlerAfterSwitch, namingOf, runtimeGroups, runtimeNote } from '../workspace/runtime-defaults.ts';
import { useWorkspace } from '../workspace/store.ts';
import type { FunctionType, HttpMethod } from '../workspace/types.ts';
import { AsyncConfigFields } from './AsyncConfigFields.tsx';
import { EnvVarTable } from './EnvVarTable.tsx';
import { CheckboxField, FieldError, FieldErrorsContext, NumberField, SelectField, TextField, TokensField, useFieldWiring } from './fields.tsx';
import { SYamlButtons } from './SYamlButtons.tsx';
import { useDeployFieldError } from './use-deploy-field-error.ts';
import { validateManifest } from './validate-manifest.ts';
import './manifest.css';

// Every runtime the service accepts (RUNTIMES), grouped by language.
const RUNTIME_OPTIONS = runtimeGroups();
const HOOKS_HINT = 'An empty handler turns the hook off.';
/** What a hook is in each language, after HOOKS_HINT. */
const GROUP_HOOKS_HINT: Record<string, string> = {
  Python: ' Python calls module.function with the context: def initialize(context), def pre_freeze(context), def pre_stop(context).',
  Go: ' Go runs the function registered with fc.Register…Function: any name turns it on.',
  'Custom container': " The image's server gets POST /initialize, GET /pre-freeze and GET /pre-stop when the field is set.",
};
const CONTAINER_HINT = "The image's HTTP server must listen on 0.0.0.0 at the listening port (127.0.0.1 fails with FunctionNotStarted). An empty command or args runs the image's own ENTRYPOINT or CMD.";
const ACCELERATION_TYPES = [['Default', 'Default (unpack once)'], ['None', 'None (each cold start unpacks)']] as const;
const FUNCTION_TYPES = [['event', 'Event'], ['http', 'HTTP']] as const satisfies readonly (readonly [FunctionType, string])[];
const AUTH_TYPES = [['anonymous', 'anonymous'], ['function', 'function']] as const;
const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];
const MEMORY_SIZES = [128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768];

/**
 * The manifest of the current function: every edit goes straight to the workspace store. Errors
 * come from the schemas the service checks a deploy with, shown under their field as the user
 * types, plus the service's own word on the field a failed deploy named.
 */
export function ManifestForm() {
  const m = useWorkspace((s) => s.manifest);
  const setManifest = useWorkspace((s) => s.setManifest);
  const local = useMemo(() => validateManifest(m), [m]);
  // the form's own message wins: it describes what the field holds now
  const errors = { ...useDeployFieldError(m), ...local };
  const custom = isCustomRuntime(m.runtime);
  const container = isContainerRuntime(m.runtime);
  const naming = namingOf(m.runtime);

  return (
    <section aria-label="Manifest" className="pane manifest">
      <div className="mf-head">
        <h2 className="pane-title">Manifest</h2>
        <SYamlButtons />
      </div>
      <FieldErrorsContext.Provider value={errors}>
        <form className="mf-form" noValidate onSubmit={(e) => e.preventDefault()}>
          <Group title="Basics" hint={runtimeNote(m.runtime)}>
            <div className="field-row">
              <TextField field="serviceName" value={m.serviceName} onChange={(serviceName) => setManifest({ serviceName })} />
              <TextField field="functionName" value={m.functionName} onChange={(functionName) => setManifest({ functionName })} />
            </div>
            <div className="field-row">
              <SelectField field="runtime" value={m.runtime} options={RUNTIME_OPTIONS} onChange={(runtime) => setManifest({ runtime, handler: handlerAfterSwitch(m.handler, m.runtime, runtime) })} />
              <SelectField field="functionType" value={m.functionType} options={FUNCTION_TYPES} onChange={(functionType) => setManifest({ functionType })} />
            </div>
            <div className="field-row">
              <TextField field="handler" value={m.handler} placeholder={naming.handler} onChange={(handler) => setManifest({ handler })} />
              <TextField field="description" value={m.description} mono={false} onChange={(description) => setManifest({ description })} />
            </div>
          </Group>

          <Group title="Resources">
            <div className="field-row">
              <NumberField field="memorySize" value={m.memorySize} min={128} max={32768} step={64} suggestions={MEMORY_SIZES} onChange={(memorySize) => setManifest({ memorySize })} />
              <NumberField field="timeout" value={m.timeout} min={1} max={86400} onChange={(timeout) => setManifest({ timeout })} />
            </div>
            <div className="field-row">
              <NumberField field="instanceConcurrency" value={m.instanceConcurrency} min={1} max={100} onChange={(instanceConcurrency) => setManifest({ instanceConcurrency })} />
            </div>
          </Group>

          <Group title="Lifecycle hooks" hint={HOOKS_HINT + (GROUP_HOOKS_HINT[groupOf(m.runtime)] ?? '')}>
            <div className="field-row">
              <TextField field="initializer" value={m.initializer} placeholder={naming.initializer} onChange={(initializer) => setManifest({ initializer })} />
              <NumberField field="initializationTimeout" value={m.initializationTimeout} min={1} max={300} onChange={(initializationTimeout) => setManifest({ initializationTimeout })} />
            </div>
            <div className="field-row">
              <TextField field="instanceLifecycleConfig.preFreeze.handler" value={m.preFreezeHandler} placeholder={naming.preFreeze} onChange={(preFreezeHandler) => setManifest({ preFreezeHandler })} />
              <NumberField field="instanceLifecycleConfig.preFreeze.timeout" value={m.preFreezeTimeout} min={1} max={90} onChange={(preFreezeTimeout) => setManifest({ preFreezeTimeout })} />
            </div>
            <div className="field-row">
              <TextField field="instanceLifecycleConfig.preStop.handler" value={m.preStopHandler} placeholder={naming.preStop} onChange={(preStopHandler) => setManifest({ preStopHandler })} />
              <NumberField field="instanceLifecycleConfig.preStop.timeout" value={m.preStopTimeout} min={1} max={90} onChange={(preStopTimeout) => setManifest({ preStopTimeout })} />
            </div>
          </Group>

          <EnvVarTable rows={m.environmentVariables} onChange={(environmentVariables) => setManifest({ environmentVariables })} />

          {custom && (
            <Group title="Custom runtime" hint="The process must serve HTTP on the listening port. An empty command runs ./bootstrap.">
              <div className="field-row">
                <TokensField field="customRuntimeConfig.command" value={m.command} placeholder="./bootstrap" onChange={(command) => setManifest({ command })} />
                <TokensField field="customRuntimeConfig.args" value={m.args} placeholder="--flag value" onChange={(args) => setManifest({ args })} />
              </div>
              <div className="field-row">
                <NumberField field="caPort" value={m.caPort} min={1} max={65535} onChange={(caPort) => setManifest({ caPort })} />
              </div>
            </Group>
          )}

          {container && (
            <Group title="Container image" hint={CONTAINER_HINT}>
              <TextField field="customContainerConfig.image" value={m.image} placeholder="registry.cn-hangzhou.aliyuncs.com/ns/app:v1" onChange={(image) => setManifest({ image })} />
              <ImageUpload onImported={(image) => setManifest({ image })} />
              <div className="field-row">
                <TokensField field="customContainerConfig.command" value={m.containerCommand} placeholder="the image's ENTRYPOINT" onChange={(containerCommand) => setManifest({ containerCommand })} />
                <TokensField field="customContainerConfig.args" value={m.containerArgs} placeholder="the image's CMD" onChange={(containerArgs) => setManifest({ containerArgs })} />
              </div>
              <div className="field-row">
                <NumberField field="caPort" value={m.caPort} min={1} max={65535} onChange={(caPort) => setManifest({ caPort })} />
                <SelectField field="customContainerConfig.accelerationType" value={m.accelerationType} options={ACCELERATION_TYPES} onChange={(accelerationType) => setManifest({ accelerationType })} />
              </div>
              <div className="field-row">
                <CheckboxField field="customContainerConfig.webServerMode" value={m.webServerMode} hint="On: the image runs an HTTP server on the listening port. Off: no server; each event runs the container once, the payload in FC_CUSTOM_CONTAINER_EVENT, exit 0 is success (instance concurrency 1)" onChange={(webServerMode) => setManifest({ webServerMode })} />
                <TextField field="customContainerConfig.instanceID" value={m.instanceID} placeholder="cri-… (ACR Enterprise only)" onChange={(instanceID) => setManifest({ instanceID })} />
              </div>
              <ImagePanel reference={m.image} />
            </Group>
          )}

          {m.functionType === 'http' && (
            <Group title="HTTP trigger">
              <MethodChecks value={m.httpMethods} onChange={(httpMethods) => setManifest({ httpMethods })} />
              <div className="field-row">
                <SelectField field="httpTrigger.authType" value={m.httpAuthType} options={AUTH_TYPES} onChange={(httpAuthType) => setManifest({ httpAuthType })} />
              </div>
            </Group>
          )}

          <AsyncConfigFields />
        </form>
      </FieldErrorsContext.Provider>
    </section>
  );
}

function Group(props: { title: string; hint?: string; children: ReactNode }) {
  return (
    <fieldset className="mf-group">
      <legend className="mf-legend">{props.title}</legend>
      {props.hint && <p className="hint mf-hint">{props.hint}</p>}
      {props.children}
    </fieldset>
  );
}

/** The methods the trigger accepts, as toggles kept in FC's usual order. */
function MethodChecks(props: { value: HttpMethod[]; onChange(v: HttpMethod[]): void }) {
  const wiring = useFieldWiring('httpTrigger.methods');
  const toggle = (method: HttpMethod, on: boolean) =>
    props.onChange(HTTP_METHODS.filter((x) => (x === method ? on : props.value.includes(x))));
  return (
    <fieldset className="field mf-methods" aria-describedby={wiring.error ? wiring.errorId : undefined}>
      <legend className="label">HTTP methods</legend>
      <div className="mf-chips">
        {HTTP_METHODS.map((method) => (
          <label key={method} className="mf-chip">
            <input type="checkbox" checked={props.value.includes(method)} aria-invalid={wiring.error ? true : undefined} onChange={(e) => toggle(method, e.target.checked)} />
            {method}
          </label>
        ))}
      </div>
      <FieldError id={wiring.errorId} error={wiring.error} />
    </fieldset>
  );
}
