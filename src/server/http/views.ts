import type { FunctionRecord, ServiceRecord, TriggerRecord } from '../store/index.ts';
import { tracingConfigView } from '../../shared/tracing.ts';
import { functionLayerArns } from '../resources/layers.ts';

// The FC 2.0 reply shapes (FC2-API §5.1), made from stored records.

export function serviceView(s: ServiceRecord) {
  return {
    serviceName: s.serviceName,
    serviceId: s.serviceId,
    description: s.description,
    role: s.role,
    internetAccess: s.internetAccess,
    logConfig: s.logConfig,
    vpcConfig: { vpcId: '', vSwitchIds: [], securityGroupId: '' },
    nasConfig: { userId: -1, groupId: -1, mountPoints: [] },
    tracingConfig: tracingConfigView(s.tracingConfig),
    createdTime: s.createdTime,
    lastModifiedTime: s.lastModifiedTime,
  };
}

export function functionView(f: FunctionRecord) {
  const c = f.config;
  return {
    functionId: f.functionId,
    functionName: c.functionName,
    description: c.description,
    runtime: c.runtime,
    handler: c.handler,
    timeout: c.timeout,
    initializer: c.initializer,
    initializationTimeout: c.initializationTimeout,
    memorySize: c.memorySize,
    instanceConcurrency: c.instanceConcurrency,
    instanceType: 'e1',
    instanceLifecycleConfig: c.instanceLifecycleConfig,
    environmentVariables: c.environmentVariables,
    customRuntimeConfig: c.customRuntimeConfig,
    customContainerConfig: c.customContainerConfig ? { ...c.customContainerConfig, accelerationInfo: { status: f.acceleration.status } } : null,
    caPort: c.caPort,
    codeChecksum: f.codeChecksum,
    codeSize: f.codeSize,
    accelerationInfo: { status: f.acceleration.status, ...(f.acceleration.reason ? { reason: f.acceleration.reason } : {}) },
    // FC 2.0 writes both: `layers` in the older ARN spelling, `layersArnV2` as acs:fc:… (the one to use).
    ...functionLayerArns(c.layers),
    createdTime: f.createdTime,
    lastModifiedTime: f.lastModifiedTime,
  };
}

export function triggerView(t: TriggerRecord) {
  return {
    triggerId: t.triggerId,
    triggerName: t.triggerName,
    triggerType: t.triggerType,
    triggerConfig: t.triggerConfig,
    qualifier: t.qualifier,
    description: t.description,
    sourceArn: t.sourceArn,
    invocationRole: t.invocationRole,
    createdTime: t.createdTime,
    lastModifiedTime: t.lastModifiedTime,
  };
}

/** FC's list paging (FC2-API §4): sorted by name, `prefix`, `startKey`, opaque `nextToken`, `limit` ≤ 100. */
export function paginate<T>(items: T[], nameOf: (t: T) => string, q: Record<string, string | undefined>) {
  const limit = Math.min(Math.max(parseInt(q.limit ?? '20', 10) || 20, 1), 100);
  const start = q.nextToken ? Buffer.from(q.nextToken, 'base64url').toString('utf8') : q.startKey;
  const filtered = items
    .filter((t) => !q.prefix || nameOf(t).startsWith(q.prefix))
    .filter((t) => !start || nameOf(t) >= start)
    .sort((a, b) => (nameOf(a) < nameOf(b) ? -1 : 1));
  const page = filtered.slice(0, limit);
  const next = filtered[limit];
  return { page, nextToken: next ? Buffer.from(nameOf(next)).toString('base64url') : undefined };
}
