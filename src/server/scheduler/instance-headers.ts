import type { InstanceView } from '../instances/index.ts';
import type { FunctionRevision } from './types.ts';
import { TRACING_HEADERS } from '../../shared/tracing.ts';
import { layerSearchEnv } from './layer-tree.ts';

/** Short-lived credentials of one instance: never the account's own key pair (SPEC §8). */
export interface InstanceCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
}

/**
 * FC's common request headers (SPEC §4), sent on every call to an instance. `callHeaders` are the
 * call's own: the caller's span context and baggage come from there (FC sends '' without them).
 */
export function commonHeaders(rev: FunctionRevision, creds: InstanceCredentials, requestId: string, controlPath: string, deadlineMs: number, callHeaders: Record<string, string> = {}): Record<string, string> {
  const c = rev.fn.config;
  return {
    'x-fc-request-id': requestId,
    'x-fc-access-key-id': creds.accessKeyId,
    'x-fc-access-key-secret': creds.accessKeySecret,
    'x-fc-security-token': creds.securityToken,
    'x-fc-function-handler': c.handler,
    'x-fc-function-memory': String(c.memorySize),
    'x-fc-function-timeout': String(c.timeout),
    'x-fc-function-initializer': c.initializer,
    'x-fc-initialization-timeout': String(c.initializationTimeout),
    'x-fc-instance-lifecycle-pre-stop-handler': c.instanceLifecycleConfig.preStop.handler,
    'x-fc-instance-lifecycle-pre-freeze-handler': c.instanceLifecycleConfig.preFreeze.handler,
    'x-fc-region': rev.region,
    'x-fc-account-id': rev.accountId,
    'x-fc-qualifier': callHeaders['x-fc-qualifier'] ?? rev.qualifier,
    'x-fc-version-id': rev.versionId,
    'x-fc-function-name': c.functionName,
    'x-fc-service-name': rev.service.serviceName,
    'x-fc-service-logproject': rev.service.logConfig?.project ?? '',
    'x-fc-service-logstore': rev.service.logConfig?.logstore ?? '',
    // context.tracing (src/shared/tracing.ts): the caller's span; the service's collector as the
    // invocation found it (an instance outlives updates of its service), else as the instance started
    [TRACING_HEADERS.spanContext]: callHeaders[TRACING_HEADERS.spanContext] ?? '',
    [TRACING_HEADERS.spanBaggages]: callHeaders[TRACING_HEADERS.spanBaggages] ?? '',
    [TRACING_HEADERS.jaegerEndpoint]: callHeaders[TRACING_HEADERS.jaegerEndpoint] ?? rev.service.tracingConfig?.params.endpoint ?? '',
    'x-fc-control-path': controlPath,
    'x-fc-function-deadline': String(deadlineMs),
  };
}

/**
 * The instance's whole environment: the function's variables and FC's, nothing of the service's own.
 * `optDir`: where the instance sees its layers (layer-tree.ts), null when it has none to see.
 */
export function instanceEnv(rev: FunctionRevision, instanceId: string, view: InstanceView, port: number, optDir: string | null = null): Record<string, string> {
  const c = rev.fn.config;
  return {
    PATH: view.path,
    // FC's instances have HOME=/tmp: the only writable place, so tools that keep a cache in $HOME work.
    HOME: view.tmpDir,
    LANG: 'C.UTF-8',
    // The layers' search paths (FC's /opt/bin, /opt/lib, …); the function's own variables may replace them.
    ...layerSearchEnv(c.runtime, optDir, view.path),
    ...c.environmentVariables,
    TMPDIR: view.tmpDir,
    FC_FUNC_CODE_PATH: view.codeDir,
    FC_SERVER_PORT: String(port),
    FC_CUSTOM_LISTEN_PORT: String(port),
    FC_RUNTIME: c.runtime,
    FC_FUNCTION_NAME: c.functionName,
    FC_FUNCTION_HANDLER: c.handler,
    FC_SERVICE_NAME: rev.service.serviceName,
    FC_QUALIFIER: rev.qualifier,
    FC_REGION: rev.region,
    FC_ACCOUNT_ID: rev.accountId,
    FC_FUNCTION_MEMORY_SIZE: String(c.memorySize),
    FC_INSTANCE_ID: instanceId,
  };
}
