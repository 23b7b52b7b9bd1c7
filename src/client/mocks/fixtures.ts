import type { ImageList, ImageSummary } from '../../shared/images-api.ts';
import type { InstanceInfo, InvocationRecord, LogLine } from '../../shared/observe.ts';
import type { PlaygroundInvokeResponse } from '../../shared/playground-api.ts';
import type { Alias, LayerVersion, TimerInfo, Version } from '../../shared/releases-api.ts';

// Small, complete objects of every shape the API sends, so a test states only what it is about.

export const SERVICE = 'playground';
export const FUNCTION = 'hello';

const iso = (ms: number) => new Date(ms).toISOString();

export function makeRecord(patch: Partial<InvocationRecord> = {}): InvocationRecord {
  const start = Date.parse(patch.startTime ?? '2025-01-01T10:00:00.000Z');
  return {
    requestId: 'req-1',
    serviceName: SERVICE,
    functionName: FUNCTION,
    qualifier: 'LATEST',
    versionId: 'LATEST',
    instanceId: 'c-inst-1',
    coldStart: false,
    initReport: null,
    durationMs: 3.05,
    billedDurationMs: 4,
    memorySizeMB: 128,
    maxMemoryUsedMB: 10.77,
    codeChecksum: '123',
    status: 'succeeded',
    errorType: null,
    invocationType: 'sync',
    payloadBytes: 2,
    responseBytes: 2,
    statusCode: 200,
    startTime: iso(start),
    endTime: iso(start + (patch.durationMs ?? 3.05)),
    gbSeconds: 0.0005,
    warning: null,
    ...patch,
  };
}

export function makeColdRecord(patch: Partial<InvocationRecord> = {}): InvocationRecord {
  return makeRecord({ coldStart: true, initReport: { pullCodeMs: 1.5, initRuntimeMs: 80.25, initFunctionMs: 12 }, ...patch });
}

export function makeLine(patch: Partial<LogLine> & { id: number }): LogLine {
  return {
    time: iso(Date.parse('2025-01-01T10:00:00.000Z') + patch.id),
    serviceName: SERVICE,
    functionName: FUNCTION,
    qualifier: 'LATEST',
    instanceId: 'c-inst-1',
    requestId: 'req-1',
    level: 'info',
    source: 'stdout',
    text: `line ${patch.id}`,
    ...patch,
  };
}

export function makeInstance(patch: Partial<InstanceInfo> = {}): InstanceInfo {
  return {
    instanceId: 'c-inst-1',
    serviceName: SERVICE,
    functionName: FUNCTION,
    qualifier: 'LATEST',
    versionId: 'LATEST',
    provisioned: false,
    revision: '1',
    state: 'Idle',
    inFlight: 0,
    concurrency: 1,
    pid: 4242,
    startedAt: iso(Date.now() - 30_000),
    lastUsedAt: iso(Date.now() - 12_000),
    ...patch,
  };
}

const toBase64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

export function makeResult(body: string | Uint8Array, patch: Partial<PlaygroundInvokeResponse> = {}): PlaygroundInvokeResponse {
  const bodyBase64 = typeof body === 'string' ? toBase64(body) : btoa(String.fromCharCode(...body));
  return {
    statusCode: 200,
    headers: { 'x-fc-request-id': 'req-1', 'content-type': 'application/json' },
    bodyBase64,
    record: makeRecord(),
    ...patch,
  };
}

export const IMAGE_DIGEST = `sha256:${'ab12'.repeat(16)}`;

/** The Go test server's image as the store lists it: one layer, /server on 0.0.0.0:9000. */
export function makeImage(patch: Partial<ImageSummary> = {}): ImageSummary {
  return {
    digest: IMAGE_DIGEST,
    references: ['registry.cn-hangzhou.aliyuncs.com/fnplay/go-server:v1'],
    os: 'linux',
    architecture: 'amd64',
    variant: null,
    labels: {},
    entrypoint: ['/server'],
    cmd: null,
    env: ['PATH=/'],
    workingDir: '',
    user: '',
    exposedPorts: ['9000/tcp'],
    created: '2025-01-01T09:00:00Z',
    layers: [{ digest: `sha256:${'cd34'.repeat(16)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 2_500_000, uncompressedSize: 6_800_000 }],
    size: 2_501_000,
    uncompressedSize: 6_800_000,
    problem: null,
    rootfsBytes: null,
    usedBy: [],
    ...patch,
  };
}

export function makeImageList(images: ImageSummary[] = [], disk: Partial<ImageList['disk']> = {}): ImageList {
  const blobBytes = images.reduce((n, i) => n + i.size, 0);
  const rootfsBytes = images.reduce((n, i) => n + (i.rootfsBytes ?? 0), 0);
  return { images, disk: { blobBytes, rootfsBytes, totalBytes: blobBytes + rootfsBytes, ...disk } };
}

export function makeVersion(patch: Partial<Version> & { versionId: string }): Version {
  return { description: '', createdTime: '2025-01-01T10:00:00Z', lastModifiedTime: '2025-01-01T10:00:00Z', ...patch };
}

export function makeAlias(patch: Partial<Alias> & { aliasName: string }): Alias {
  return { versionId: '1', description: '', additionalVersionWeight: {}, createdTime: '2025-01-01T10:00:00Z', lastModifiedTime: '2025-01-01T10:00:00Z', ...patch };
}

export const layerArn = (name: string, version: number) => `acs:fc:cn-hangzhou:1234567890123456:layers/${name}/versions/${version}`;

export function makeLayer(patch: Partial<LayerVersion> & { layerName: string }): LayerVersion {
  const version = patch.version ?? 1;
  return { version, description: '', arn: `abc123#${patch.layerName}#${version}`, arnV2: layerArn(patch.layerName, version), compatibleRuntime: ['nodejs20'], codeSize: 2048, codeChecksum: '1', createTime: '2025-01-01T10:00:00Z', ...patch };
}

export function makeTimer(patch: Partial<TimerInfo> = {}): TimerInfo {
  return { triggerName: 'every-minute', qualifier: 'LATEST', cronExpression: '@every 1m', enable: true, payload: '', nextFireTime: new Date(Date.now() + 42_000).toISOString(), ...patch };
}

/** An async invocation as FC lists it; `attempts` adds Running/outcome event pairs in order. */
export function makeAsyncInvocation(
  patch: Partial<import('../../shared/async-invocation.ts').AsyncInvocation> = {},
  attempts: { requestId: string; instanceId?: string; outcome: string | null; error?: string; then: import('../../shared/async-invocation.ts').AsyncStatus }[] = [],
): import('../../shared/async-invocation.ts').AsyncInvocation {
  const start = patch.startedTime ?? Date.parse('2025-01-01T10:00:00.000Z');
  const requestId = patch.requestId ?? 'req-async-1';
  const events: import('../../shared/async-invocation.ts').AsyncEvent[] = [{ eventId: 1, status: 'Enqueued', timestamp: start, eventDetail: JSON.stringify({ requestId }) }];
  attempts.forEach((a, i) => {
    const at = start + 1000 * (i + 1);
    events.push({ eventId: events.length + 1, status: 'Running', timestamp: at, eventDetail: JSON.stringify({ requestId: a.requestId, attempt: i + 1 }) });
    if (a.outcome) {
      events.push({
        eventId: events.length + 1, status: a.then, timestamp: at + 20,
        eventDetail: JSON.stringify({ requestId: a.requestId, attempt: i + 1, instanceId: a.instanceId ?? 'c-11111111-2222-3333-4444-555555555555', outcome: a.outcome, ...(a.error ? { error: a.error } : {}) }),
      });
    }
  });
  return {
    invocationId: requestId, requestId, serviceName: SERVICE, functionName: FUNCTION, qualifier: 'LATEST', status: 'Enqueued',
    startedTime: start, endTime: null, durationMs: null, alreadyRetriedTimes: Math.max(0, attempts.length - 1),
    returnPayload: null, invocationErrorMessage: null, events, origin: 'api', stateful: false, ...patch,
  };
}
