import type { ManifestDraft } from '../workspace/types.ts';

/**
 * Every form field, keyed by the path FC (and our zod schemas) use for it, with the draft key it
 * edits and its visible label. One table, so a zod issue path, a deploy error's `field` and the form
 * all agree on which input a message belongs to.
 */
export const MANIFEST_FIELDS = {
  serviceName: { draft: 'serviceName', label: 'Service name' },
  functionName: { draft: 'functionName', label: 'Function name' },
  description: { draft: 'description', label: 'Description' },
  runtime: { draft: 'runtime', label: 'Runtime' },
  handler: { draft: 'handler', label: 'Handler' },
  functionType: { draft: 'functionType', label: 'Function type' },
  memorySize: { draft: 'memorySize', label: 'Memory (MB)' },
  timeout: { draft: 'timeout', label: 'Timeout (s)' },
  instanceConcurrency: { draft: 'instanceConcurrency', label: 'Instance concurrency' },
  initializer: { draft: 'initializer', label: 'Initializer' },
  initializationTimeout: { draft: 'initializationTimeout', label: 'Initialization timeout (s)' },
  'instanceLifecycleConfig.preFreeze.handler': { draft: 'preFreezeHandler', label: 'PreFreeze handler' },
  'instanceLifecycleConfig.preFreeze.timeout': { draft: 'preFreezeTimeout', label: 'PreFreeze timeout (s)' },
  'instanceLifecycleConfig.preStop.handler': { draft: 'preStopHandler', label: 'PreStop handler' },
  'instanceLifecycleConfig.preStop.timeout': { draft: 'preStopTimeout', label: 'PreStop timeout (s)' },
  environmentVariables: { draft: 'environmentVariables', label: 'Environment variables' },
  'customRuntimeConfig.command': { draft: 'command', label: 'Command' },
  'customRuntimeConfig.args': { draft: 'args', label: 'Args' },
  caPort: { draft: 'caPort', label: 'Listening port' },
  // custom-container (only one of the two Command/Args pairs shows at a time)
  'customContainerConfig.image': { draft: 'image', label: 'Image' },
  'customContainerConfig.command': { draft: 'containerCommand', label: 'Command' },
  'customContainerConfig.args': { draft: 'containerArgs', label: 'Args' },
  'customContainerConfig.accelerationType': { draft: 'accelerationType', label: 'Image acceleration' },
  'customContainerConfig.webServerMode': { draft: 'webServerMode', label: 'Web server mode' },
  'customContainerConfig.instanceID': { draft: 'instanceID', label: 'ACR instance ID' },
  'httpTrigger.methods': { draft: 'httpMethods', label: 'HTTP methods' },
  'httpTrigger.authType': { draft: 'httpAuthType', label: 'Authentication' },
  // the async invoke config: FC's own field paths (PutFunctionAsyncInvokeConfig), so its refusals land here
  maxAsyncRetryAttempts: { draft: 'asyncConfig', label: 'Max retries' },
  maxAsyncEventAgeInSeconds: { draft: 'asyncConfig', label: 'Max age (s)' },
  'destinationConfig.onSuccess.destination': { draft: 'asyncConfig', label: 'On success' },
  'destinationConfig.onFailure.destination': { draft: 'asyncConfig', label: 'On failure' },
  statefulInvocation: { draft: 'asyncConfig', label: 'Stateful invocation' },
} as const satisfies Record<string, { draft: keyof ManifestDraft; label: string }>;

export type ManifestField = keyof typeof MANIFEST_FIELDS;
/** A message per field; fields without a problem are absent. */
export type ManifestErrors = Partial<Record<ManifestField, string>>;

const FIELD_KEYS = Object.keys(MANIFEST_FIELDS) as ManifestField[];

/**
 * The form field a path names. Paths come from zod issues (`['customRuntimeConfig', 'command', 0]`)
 * or from deploy errors (`function.memorySize`, `memorySize`, `customRuntimeConfig`): the exact
 * field, else the first field below the path, else the field the path is below.
 */
export function resolveField(path: string | readonly PropertyKey[]): ManifestField | null {
  const joined = typeof path === 'string' ? path : path.map(String).join('.');
  const p = joined.replace(/^function\./, '');
  if (p === '') return null;
  if (p in MANIFEST_FIELDS) return p as ManifestField;
  return FIELD_KEYS.find((f) => f.startsWith(p + '.')) ?? FIELD_KEYS.find((f) => p.startsWith(f + '.')) ?? null;
}

/** The draft value a field edits (for noticing that the user changed it). */
export function draftValueOf(draft: ManifestDraft, field: ManifestField): unknown {
  return draft[MANIFEST_FIELDS[field].draft];
}
