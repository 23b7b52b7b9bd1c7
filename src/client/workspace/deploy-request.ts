import type { DeployRequest } from '../../shared/playground-api.ts';
import { isCustomRuntime } from '../../shared/function-config.ts';
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
    ...(isCustomRuntime(m.runtime) ? { customRuntimeConfig: { command: m.command, args: m.args }, caPort: m.caPort } : {}),
  };
}

export function deployRequestOf(m: ManifestDraft, zipFile: string | null): DeployRequest {
  return {
    serviceName: m.serviceName,
    function: manifestToFunction(m),
    zipFile,
    httpTrigger: m.functionType === 'http' ? { authType: m.httpAuthType, methods: m.httpMethods } : null,
  };
}
