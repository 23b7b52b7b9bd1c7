import type { DeployRequest } from '../../shared/playground-api.ts';
import { isContainerRuntime, isCustomRuntime } from '../../shared/function-config.ts';
import { wordsToJson } from './json-words.ts';
import type { ManifestDraft } from './types.ts';

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
