import { Document } from 'yaml';
import { httpTriggerConfig, isContainerRuntime, isCustomRuntime, runtimeProblem, type Runtime } from '../../shared/function-config.ts';
import { containerConfigOf } from '../workspace/deploy-request.ts';
import { DEFAULT_ASYNC, DEFAULT_MANIFEST } from '../workspace/defaults.ts';
import { jsonToWords } from '../workspace/json-words.ts';
import { defaultHandlerOf } from '../workspace/runtime-defaults.ts';
import type { AsyncDraft, HttpMethod, ManifestDraft } from '../workspace/types.ts';
import { describeIssue, fcServiceEntries, parseSYaml, sYamlFcService, type SYamlFcService } from './s-yaml-schema.ts';

export const DEFAULT_REGION = 'cn-hangzhou';
const TRIGGER_NAME = 'httpTrigger';
const HEADER =
  ' Serverless Devs s.yaml (edition 1.0.0, fc component), exported by fnplay.\n' +
  ' codeUri ./code is where the function files go (Download zip, unpacked) before `s deploy`.\n' +
  ' Import this file back into fnplay to restore the manifest.';

/** YAML can hold NaN (an emptied number input); s.yaml cannot, so an unset number is left out. */
const finite = (n: number) => (Number.isFinite(n) ? n : undefined);

/**
 * The draft as a Serverless Devs s.yaml. Core fields are always written; optional ones only when
 * they differ from fnplay's defaults (which is also what import fills in), so the file stays short
 * and imports back to the same draft. Custom runtime settings are written for custom runtimes, and
 * for others only if set, so nothing typed is lost; the HTTP trigger only for HTTP functions.
 */
export function manifestToSYaml(m: ManifestDraft, options: { region?: string } = {}): string {
  const D = DEFAULT_MANIFEST;
  const hook = (handler: string, timeout: number, defaultTimeout: number) =>
    handler !== '' || timeout !== defaultTimeout ? { handler, timeout: finite(timeout) } : undefined;
  const preFreeze = hook(m.preFreezeHandler, m.preFreezeTimeout, D.preFreezeTimeout);
  const preStop = hook(m.preStopHandler, m.preStopTimeout, D.preStopTimeout);
  const custom = isCustomRuntime(m.runtime);
  const container = isContainerRuntime(m.runtime);
  const env = m.environmentVariables.filter(([k, v]) => k !== '' || v !== '');

  const fn = {
    name: m.functionName,
    description: m.description || undefined,
    runtime: m.runtime,
    handler: m.handler,
    memorySize: finite(m.memorySize),
    timeout: finite(m.timeout),
    instanceConcurrency: finite(m.instanceConcurrency),
    ...(m.initializer !== '' || m.initializationTimeout !== D.initializationTimeout
      ? { initializer: m.initializer, initializationTimeout: finite(m.initializationTimeout) }
      : {}),
    instanceLifecycleConfig: preFreeze || preStop ? { preFreeze, preStop } : undefined,
    environmentVariables: env.length > 0 ? Object.fromEntries(env) : undefined,
    customRuntimeConfig: custom || m.command.length > 0 || m.args.length > 0 ? { command: m.command, args: m.args } : undefined,
    caPort: custom || container || m.caPort !== D.caPort ? finite(m.caPort) : undefined,
    // as Serverless Devs writes it: command and args are FC's JSON-array strings
    customContainerConfig: container ? containerConfigOf(m) : undefined,
    layers: m.layers.length > 0 ? m.layers : undefined,
    asyncConfiguration: m.asyncConfig ? asyncToSYaml(m.asyncConfig) : undefined,
    // a container runs its image: there is no code to upload
    codeUri: container ? undefined : './code',
  };
  const triggers =
    m.functionType === 'http' ? [{ name: TRIGGER_NAME, type: 'http', config: { authType: m.httpAuthType, methods: m.httpMethods } }] : undefined;

  const doc = new Document({
    edition: '1.0.0',
    name: m.serviceName,
    access: 'default',
    services: {
      [m.functionName || 'function']: {
        component: 'fc',
        props: { region: options.region ?? DEFAULT_REGION, service: { name: m.serviceName }, function: fn, triggers },
      },
    },
  });
  doc.commentBefore = HEADER;
  return doc.toString({ lineWidth: 0 });
}

/**
 * The manifest draft an s.yaml describes: the first service whose component is fc. Fields the file
 * leaves out take fnplay's defaults. Throws an Error that says what is wrong (and where) for text
 * that is not YAML, has no fc service, or holds a value of the wrong type.
 */
export function sYamlToManifest(text: string): ManifestDraft {
  // the first fc service: the playground edits one function
  const [key, raw] = fcServiceEntries(parseSYaml(text))[0]!;
  const parsed = sYamlFcService.safeParse(raw);
  if (!parsed.success) throw new Error(describeIssue(`services.${key}`, parsed.error.issues[0]!));
  return toDraft(parsed.data, `services.${key}.props`);
}

function toDraft({ props }: SYamlFcService, at: string): ManifestDraft {
  const D = DEFAULT_MANIFEST;
  const f = props.function;
  // the service's own words: a deprecated runtime, one FC has and fnplay does not run, or no runtime at all
  const problem = runtimeProblem(f.runtime);
  if (problem) throw new Error(`${at}.function.runtime: ${problem}`);
  const hooks = f.instanceLifecycleConfig;
  const http = props.triggers?.find((t) => t.type.toLowerCase() === 'http');
  const draft: ManifestDraft = {
    serviceName: props.service.name,
    functionName: f.name,
    description: f.description ?? D.description,
    runtime: f.runtime as Runtime,
    handler: f.handler ?? defaultHandlerOf(f.runtime),
    functionType: http ? 'http' : 'event',
    memorySize: f.memorySize ?? D.memorySize,
    timeout: f.timeout ?? D.timeout,
    instanceConcurrency: f.instanceConcurrency ?? D.instanceConcurrency,
    initializer: f.initializer ?? D.initializer,
    initializationTimeout: f.initializationTimeout ?? D.initializationTimeout,
    preFreezeHandler: hooks?.preFreeze?.handler ?? D.preFreezeHandler,
    preFreezeTimeout: hooks?.preFreeze?.timeout ?? D.preFreezeTimeout,
    preStopHandler: hooks?.preStop?.handler ?? D.preStopHandler,
    preStopTimeout: hooks?.preStop?.timeout ?? D.preStopTimeout,
    environmentVariables: Object.entries(f.environmentVariables ?? {}),
    command: f.customRuntimeConfig?.command ?? D.command,
    args: f.customRuntimeConfig?.args ?? D.args,
    caPort: f.caPort ?? D.caPort,
    image: f.customContainerConfig?.image ?? D.image,
    containerCommand: containerWords(f.customContainerConfig?.command, `${at}.function.customContainerConfig.command`),
    containerArgs: containerWords(f.customContainerConfig?.args, `${at}.function.customContainerConfig.args`),
    accelerationType: f.customContainerConfig?.accelerationType ?? D.accelerationType,
    webServerMode: f.customContainerConfig?.webServerMode ?? D.webServerMode,
    instanceID: f.customContainerConfig?.instanceID ?? D.instanceID,
    httpMethods: D.httpMethods,
    layers: f.layers ?? D.layers,
    httpAuthType: D.httpAuthType,
    asyncConfig: asyncFromSYaml(f.asyncConfiguration),
  };
  if (http) {
    const index = props.triggers!.indexOf(http);
    // FC's own defaults for a trigger config that leaves these out, as the service applies them
    const config = httpTriggerConfig.safeParse({
      authType: http.config?.authType?.toLowerCase(),
      methods: http.config?.methods?.map((m) => m.toUpperCase()),
    });
    if (!config.success) throw new Error(describeIssue(`${at}.triggers.${index}.config`, config.error.issues[0]!));
    draft.httpAuthType = config.data.authType;
    draft.httpMethods = config.data.methods as HttpMethod[];
  }
  return draft;
}

/** As the fc component writes it: destinations as plain ARNs under `destination`. */
function asyncToSYaml(a: AsyncDraft) {
  const onSuccess = a.onSuccess.trim() || undefined;
  const onFailure = a.onFailure.trim() || undefined;
  return {
    destination: onSuccess || onFailure ? { onSuccess, onFailure } : undefined,
    maxAsyncEventAgeInSeconds: finite(a.maxAsyncEventAgeInSeconds),
    maxAsyncRetryAttempts: finite(a.maxAsyncRetryAttempts),
    statefulInvocation: a.statefulInvocation,
  };
}

/** An empty `asyncConfiguration` is none, as the fc component treats it; left-out fields take FC's defaults. */
function asyncFromSYaml(c: SYamlFcService['props']['function']['asyncConfiguration']): AsyncDraft | null {
  if (!c || Object.values(c).every((v) => v === null || v === undefined)) return null;
  const D = DEFAULT_ASYNC;
  return {
    maxAsyncRetryAttempts: c.maxAsyncRetryAttempts ?? D.maxAsyncRetryAttempts,
    maxAsyncEventAgeInSeconds: c.maxAsyncEventAgeInSeconds ?? D.maxAsyncEventAgeInSeconds,
    onSuccess: c.destination?.onSuccess ?? c.destinationConfig?.onSuccess?.destination ?? '',
    onFailure: c.destination?.onFailure ?? c.destinationConfig?.onFailure?.destination ?? '',
    statefulInvocation: c.statefulInvocation ?? D.statefulInvocation,
  };
}

/** FC's JSON-array string (or a YAML list) as the words the form edits. */
function containerWords(value: string | string[] | null | undefined, at: string): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  try {
    return jsonToWords(value);
  } catch (err) {
    throw new Error(`${at}: ${(err as Error).message}`);
  }
}
