import { errors as undiciErrors } from 'undici';
import { performance } from 'node:perf_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import { FcError } from '../errors.ts';
import { ResponseTooLarge, type CaResponse } from '../instances/index.ts';
import { newRequestId } from '../request-id.ts';
import { logTail, type LiveHub, type LogBus } from '../logs/index.ts';
import { isSuccess, type FunctionRevision, type InitReport, type Lease, type Scheduler } from '../scheduler/index.ts';
import type { RecordRepo } from '../store/index.ts';
import { initReportLine, summaryLine, systemLine, UNHANDLED_SUFFIX } from '../../shared/log-format.ts';
import type { InvocationRecord, InvocationStatus, InvocationType } from '../../shared/observe.ts';
import { TRACING_HEADERS } from '../../shared/tracing.ts';
import { errorBodyOf, failureMessage, isDroppedResponseHeader, killMessage } from './outcome.ts';

/**
 * `tracing`: the caller's span headers (REQUEST_TRACING_HEADERS in src/shared/tracing.ts), passed to the instance.
 * `timer`: an attempt of an event a timer trigger queued; only its record tells it from `async`.
 * `async`: one attempt of a queued event (invocations/async-queue.ts); `retryCount` is how many came before it.
 */
export type InvokeRequest =
  | { type: 'sync' | 'timer' | 'async'; requestId: string; payload: Buffer; logTail: boolean; tracing?: Record<string, string>; retryCount?: number }
  | { type: 'http'; requestId: string; method: string; path: string; headers: Record<string, string>; body: Buffer; logTail: boolean; tracing?: Record<string, string> };

export interface InvokeResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
  record: InvocationRecord;
}

const MAX_RESPONSE_HEADER_BYTES = 4096;

export function createInvoker(deps: { scheduler: Scheduler; records: RecordRepo; bus: LogBus; hub: LiveHub }) {
  function finishRecord(rec: InvocationRecord) {
    deps.records.putInvocation(rec);
    deps.hub.publish({ type: 'invocation', record: rec });
  }

  async function invoke(rev: FunctionRevision, req: InvokeRequest, maximumInstanceCount: number | null): Promise<InvokeResult> {
    const cfg = rev.fn.config;
    const startTime = new Date();
    const collector = deps.bus.collect(req.requestId);
    const base = (): InvocationRecord => ({
      requestId: req.requestId, serviceName: rev.service.serviceName, functionName: cfg.functionName, qualifier: rev.qualifier,
      versionId: rev.versionId, instanceId: null, coldStart: false, initReport: null, durationMs: 0, billedDurationMs: 0,
      memorySizeMB: cfg.memorySize, maxMemoryUsedMB: 0, codeChecksum: rev.fn.codeChecksum, status: 'succeeded', errorType: null,
      invocationType: req.type as InvocationType, payloadBytes: req.type !== 'http' ? req.payload.length : req.body.length,
      responseBytes: 0, statusCode: 200, startTime: startTime.toISOString(), endTime: startTime.toISOString(), gbSeconds: 0, warning: null,
    });

    let lease: Lease;
    try {
      lease = await deps.scheduler.acquire(rev, maximumInstanceCount);
    } catch (err) {
      collector.end();
      if (err instanceof FcError) {
        finishRecord({ ...base(), status: err.code === 'ResourceExhausted' ? 'throttled' : 'failed', errorType: err.code, statusCode: err.status, endTime: new Date().toISOString() });
      }
      throw err;
    }
    const inst = lease.instance;
    try {
      // 1. the initializer, once per instance
      const init = await inst.ensureInitialized();
      const initReport: InitReport | null = lease.coldStart ? { ...lease.coldStart, initFunctionMs: init.ms } : null;
      const rec: InvocationRecord = { ...base(), instanceId: inst.id, coldStart: !!lease.coldStart, initReport };
      if (!init.ok) {
        const body = init.response ? { ...errorBodyOf(init.response), errorType: 'InitializationError' } : { errorMessage: init.timedOut ? failureMessage.initTimeout(cfg.initializationTimeout) : 'the initializer did not answer', errorType: 'InitializationError' };
        return done(rec, { status: 'failed', errorType: 'InitializationError', durationMs: 0, peak: 0, res: jsonError(body, req.type) });
      }

      // 2. the call, bounded by the function's timeout
      if (!inst.recipe.printsMarkers) inst.log.system(systemLine.invokeStart(req.requestId), req.requestId);
      const sole = inst.inFlight === 1;
      if (sole) inst.memory?.resetPeak();
      const ac = new AbortController();
      const timer = setTimeout(() => inst.kill('timeout'), cfg.timeout * 1000);
      // The call's own qualifier: an on-demand instance serves every qualifier that resolves to its
      // version, and context.service.qualifier is the one this call came through.
      const tracing: Record<string, string> = { ...req.tracing, ...tracingOfService(rev), 'x-fc-qualifier': rev.qualifier };
      // context.retryCount (FC-RUNTIMES): 0 on the first attempt of an async event.
      if (req.type === 'async' || req.type === 'timer') tracing['x-fc-retry-count'] = String(req.retryCount ?? 0);
      const t0 = performance.now();
      let res: CaResponse;
      try {
        res = req.type !== 'http'
          ? await inst.call(req.requestId, 'POST', '/invoke', { 'content-type': 'application/octet-stream', ...tracing }, req.payload, '/invoke', ac.signal)
          : await inst.call(req.requestId, req.method, req.path, { ...req.headers, ...tracing }, req.body.length ? req.body : null, '/http-invoke', ac.signal);
      } catch (err) {
        const durationMs = performance.now() - t0;
        clearTimeout(timer);
        if (err instanceof ResponseTooLarge) throw new FcError('BadResponse', `the function's response body exceeds 16 MB`);
        // The request never left (undici refused it): a bad request, not a crash of the instance.
        if (err instanceof undiciErrors.InvalidArgumentError) throw new FcError('InvalidArgument', `the request cannot be forwarded to the function: ${err.message}`);
        // The process died (crash, timeout kill, memory kill): wait for its exit to know which.
        await Promise.race([inst.waitExit(), sleep(1000)]);
        // Still running but not answering (it closed its socket, or killed the sandbox's relay):
        // nothing will reach it again, so it goes, and the next request starts a fresh one.
        if (!inst.exited) inst.kill('unreachable');
        const peak = inst.sampledPeak;
        const { status, message } = killMessage(inst.killReason, durationMs, peak, cfg);
        if (!inst.recipe.printsMarkers || inst.killReason) inst.log.system(systemLine.invokeEnd(req.requestId, `, Error: ${message}`), req.requestId, 'error');
        return done(rec, { status, errorType: 'UnhandledInvocationError', durationMs, peak, res: jsonError({ errorMessage: message }, req.type) });
      }
      clearTimeout(timer);
      const durationMs = performance.now() - t0;
      const peak = inst.memory && !inst.exited ? inst.memory.peak() : inst.sampledPeak;
      const ok = isSuccess(res);
      if (!inst.recipe.printsMarkers) inst.log.system(systemLine.invokeEnd(req.requestId, ok ? '' : UNHANDLED_SUFFIX), req.requestId);
      const warning = res.headers['x-fc-status'] === undefined ? 'the function did not set x-fc-status; FC counts the invocation as succeeded' : null;
      const errorType = ok ? null : String(res.headers['x-fc-error-type'] ?? 'UnhandledInvocationError');
      // A built-in runtime's own error (it sets x-fc-error-type) reaches an HTTP client as 502, like a crash;
      // a custom runtime's failure status is the function's answer and passes through.
      if (req.type === 'http' && res.headers['x-fc-error-type']) res = { ...res, statusCode: 502 };
      return done({ ...rec, warning: inst.recipe.printsMarkers ? (inst.recipe.summaryNote?.(cfg.runtime) ?? null) : warning }, { status: ok ? 'succeeded' : 'failed', errorType, durationMs, peak, res });
    } finally {
      deps.scheduler.release(lease);
    }

    function done(rec: InvocationRecord, o: { status: InvocationStatus; errorType: string | null; durationMs: number; peak: number; res: CaResponse }): InvokeResult {
      const billed = Math.max(1, Math.ceil(o.durationMs));
      const maxMemoryUsedMB = o.peak / 1024 / 1024;
      const headers = responseHeaders(o.res, req.type);
      if (o.errorType) headers['x-fc-error-type'] = o.errorType === 'HandledInvocationError' ? o.errorType : 'UnhandledInvocationError';
      const final: InvocationRecord = {
        ...rec, status: o.status, errorType: o.errorType, durationMs: Math.round(o.durationMs * 100) / 100, billedDurationMs: billed,
        maxMemoryUsedMB: Math.round(maxMemoryUsedMB * 100) / 100, responseBytes: o.res.body.length, statusCode: req.type === 'http' ? o.res.statusCode : 200,
        endTime: new Date().toISOString(), gbSeconds: (rec.memorySizeMB / 1024) * (billed / 1000),
      };
      inst.log.system(summaryLine(final), req.requestId);
      if (final.initReport) inst.log.system(initReportLine(req.requestId, final.initReport), req.requestId);
      const lines = collector.end();
      finishRecord(final);
      Object.assign(headers, {
        'x-fc-request-id': req.requestId,
        'x-fc-code-checksum': rev.fn.codeChecksum,
        'x-fc-invocation-duration': String(billed),
        'x-fc-max-memory-usage': final.maxMemoryUsedMB.toFixed(2),
        'x-fc-invocation-service-version': rev.versionId,
      });
      if (req.logTail) headers['x-fc-log-result'] = logTail(lines);
      return { statusCode: final.statusCode, headers, body: o.res.body, record: final };
    }
  }

  return { invoke, newRequestId };
}
export type Invoker = ReturnType<typeof createInvoker>;

/** A platform-made function error: event invocations answer 200, HTTP ones 502 (FC2-API §5.3). */
function jsonError(body: object, type: InvokeRequest['type']): CaResponse {
  return { statusCode: type === 'http' ? 502 : 200, headers: { 'content-type': 'application/json', 'x-fc-status': '404' }, body: Buffer.from(JSON.stringify(body)) };
}

function responseHeaders(res: CaResponse, type: InvokeRequest['type']): Record<string, string> {
  const out: Record<string, string> = {};
  if (type !== 'http') {
    // The SDK parses JSON only for application/json; success bodies are opaque bytes (FC2-API §5.2).
    // Error bodies are JSON from the built-in runtimes, but a custom runtime may fail with plain text.
    out['content-type'] = !isSuccess(res) && isJson(res.body) ? 'application/json' : 'application/octet-stream';
    return out;
  }
  let size = 0;
  for (const [k, v] of Object.entries(res.headers as IncomingHttpHeaders)) {
    if (v === undefined || isDroppedResponseHeader(k)) continue;
    const value = Array.isArray(v) ? v.join(', ') : String(v);
    size += k.length + value.length + 4;
    out[k] = value;
  }
  if (size > MAX_RESPONSE_HEADER_BYTES) throw new FcError('BadResponse', `the function's response headers exceed 4 KB (${size} bytes)`);
  return out;
}

/** The service's Jaeger collector as this invocation finds it: an instance outlives updates of its service. */
function tracingOfService(rev: FunctionRevision): Record<string, string> {
  return { [TRACING_HEADERS.jaegerEndpoint]: rev.service.tracingConfig?.params.endpoint ?? '' };
}

function isJson(body: Buffer) {
  if (body[0] !== 0x7b) return false; // '{'
  try {
    JSON.parse(body.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
