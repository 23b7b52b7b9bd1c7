import { z } from 'zod';
import { withRule } from './field-text.ts';

/**
 * The tracing headers every built-in runtime reads for `context.tracing` (FC-RUNTIMES §0, §1:
 * the names of FC's own runtimes and of the public Go SDK). They reach the instance on every call
 * (CA protocol requests, and the runtime API's polled events, which pass every x-fc-* header on):
 *
 * - `x-fc-tracing-opentracing-span-context`: the caller's span context, an opaque string (Jaeger's
 *   `traceId:spanId:parentId:flags`), taken from the invoking request's header of the same name;
 *   absent when the request had none. Node: `context.tracing.openTracingSpanContext`; Python:
 *   `context.tracing.span_context`; Go: `Tracing.OpenTracingSpanContext`.
 * - `x-fc-tracing-opentracing-span-baggages`: the span's baggage as base64 of a JSON object of
 *   strings (`base64('{"k":"v"}')`), also from the invoking request. Runtimes decode it; absent,
 *   empty or undecodable gives an empty map (FC's Node runtime logs the failure and goes on).
 *   Node: `openTracingSpanBaggages`; Python: `span_baggages`; Go: `OpenTracingSpanBaggages`.
 * - `x-fc-tracing-jaeger-endpoint`: the service's `tracingConfig.params.endpoint` when its type is
 *   Jaeger; sent on every call, '' when the service has no tracing. Node: `jaegerEndpoint`;
 *   Python: `jaeger_endpoint`; Go: `JaegerEndpoint`.
 */
export const TRACING_HEADERS = {
  spanContext: 'x-fc-tracing-opentracing-span-context',
  spanBaggages: 'x-fc-tracing-opentracing-span-baggages',
  jaegerEndpoint: 'x-fc-tracing-jaeger-endpoint',
} as const;

/** The per-request tracing headers a caller may send with an invocation (passed to the instance as sent). */
export const REQUEST_TRACING_HEADERS = [TRACING_HEADERS.spanContext, TRACING_HEADERS.spanBaggages] as const;

/** A service's tracing as stored: FC knows one type, Jaeger, whose params name the collector. */
export type TracingConfig = { type: 'Jaeger'; params: { endpoint: string } } | null;

// The endpoint reaches the instance in a header: one printable ASCII line, a URL a Jaeger client can post to.
const endpoint = withRule(z.string().max(1024), 'header').superRefine((s, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(s);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({ code: 'custom', message: `must be an http(s) URL of a Jaeger collector, like 'http://tracing-analysis-dc-hz.aliyuncs.com/adapt_xxx/api/traces', got '${s.length > 60 ? `${s.slice(0, 60)}…` : s}'` });
  }
});

/**
 * `tracingConfig` of create/updateService: `{type:'Jaeger', params:{endpoint}}`, or its empty form
 * (`{}`, or `{type:null, params:null}` as FC returns it), which turns tracing off (FC2-API §4).
 */
export const tracingConfigBody = z
  .object({
    type: z.literal('Jaeger', { message: "type must be 'Jaeger' (the only tracing FC offers), or null for no tracing" }).nullable().optional(),
    params: z.object({ endpoint }).strict().nullable().optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.type === 'Jaeger' && !t.params) ctx.addIssue({ code: 'custom', path: ['params'], message: "Jaeger tracing needs params: { endpoint: '<collector URL>' }" });
    if (!t.type && t.params) ctx.addIssue({ code: 'custom', path: ['type'], message: "params need type: 'Jaeger'" });
  })
  .transform((t): TracingConfig => (t.type === 'Jaeger' && t.params ? { type: 'Jaeger', params: { endpoint: t.params.endpoint } } : null));

/** How FC returns it: the config, or `{type:null, params:null}` (FC2-API §4, T:310). */
export function tracingConfigView(t: TracingConfig | undefined) {
  return t ?? { type: null, params: null };
}
