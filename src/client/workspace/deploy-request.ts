import type { DeployRequest } from '../../shared/playground-api.ts';
import { isContainerRuntime, isCustomRuntime } from '../../shared/function-config.ts';
import { wordsToJson } from './json-words.ts';
import type { AsyncConfigBody } from '../../shared/async-invocation.ts';
import type { AsyncDraft, ManifestDraft } from './types.ts';

/** The manifest draft as FC's function fields (what the service's zod schema checks). */
export function manifestToFunction(m: ManifestDraft): DeployRequest['function'] {
  return {
    functionName: m.functionName,
    description: m.description,
    runtime: m.runtime,
    handler: m.handler,
    memorySize: m.memorySize,
    timeout: m.timeout,
    instanceConcurrency: m.instanceConcurrency,
    initializer: m.initializer,
    initializationTimeout: m.initializationTimeout,
    instanceLifecycleConfig: {
      preFreeze: { handler: m.preFreezeHandler, timeout: m.preFreezeTimeout },
      preStop: { handler: m.preStopHandler, timeout: m.preStopTimeout },
    },
    environmentVariables: Object.fromEntries(m.environmentVariables.filter(([k]) => k !== '')),
    // the draft holds every layer the function should have: [] detaches them all
    layers: m.layers,
    ...(isCustomRuntime(m.runtime) ? { customRuntimeConfig: { command: m.command, args: m.args }, caPort: m.caPort } : {}),
    ...(isContainerRuntime(m.runtime) ? { customContainerConfig: containerConfigOf(m), caPort: m.caPort } : {}),
  };
}

/** The container settings as FC takes them: command and args as JSON-array strings. */
export function containerConfigOf(m: ManifestDraft) {
  return {
    image: m.image,
    command: wordsToJson(m.containerCommand),
    args: wordsToJson(m.containerArgs),
    accelerationType: m.accelerationType,
    webServerMode: m.webServerMode,
    ...(m.instanceID !== '' ? { instanceID: m.instanceID } : {}),
  };
}

/** A custom-container function runs its image: whatever the editor holds, no code is sent. */
export function deployRequestOf(m: ManifestDraft, zipFile: string | null): DeployRequest {
  return {
    serviceName: m.serviceName,
    function: manifestToFunction(m),
    zipFile: isContainerRuntime(m.runtime) ? null : zipFile,
    httpTrigger: m.functionType === 'http' ? { authType: m.httpAuthType, methods: m.httpMethods } : null,
  };
}

/**
 * The async config as FC's PutFunctionAsyncInvokeConfig body. Serverless Devs writes destinations
 * as `acs:fc:::services/…` and fills in the region and account on deploy: so does this.
 */
export function asyncConfigBodyOf(a: AsyncDraft, account?: { region: string; accountId: string }): AsyncConfigBody {
  const arn = (d: string) => ({ destination: account ? d.replace(/^acs:fc:::/, `acs:fc:${account.region}:${account.accountId}:`) : d });
  const onSuccess = a.onSuccess.trim();
  const onFailure = a.onFailure.trim();
  return {
    maxAsyncRetryAttempts: a.maxAsyncRetryAttempts,
    maxAsyncEventAgeInSeconds: a.maxAsyncEventAgeInSeconds,
    destinationConfig: onSuccess || onFailure ? { ...(onSuccess ? { onSuccess: arn(onSuccess) } : {}), ...(onFailure ? { onFailure: arn(onFailure) } : {}) } : null,
    statefulInvocation: a.statefulInvocation,
  };
}
