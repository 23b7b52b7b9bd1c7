import { z } from 'zod';
import { functionFields, handlerString } from './function-config.ts';
import { httpTriggerConfig } from './trigger-config.ts';
import { functionName, serviceName } from './names.ts';
import type { InvocationRecord } from './observe.ts';

/** One deploy from the browser: the service is created if missing, the function created or updated. */
export const deployRequest = z.object({
  serviceName,
  function: functionFields.omit({ code: true }).extend({ functionName, runtime: functionFields.shape.runtime.unwrap(), handler: handlerString }),
  /** base64 zip; null keeps the deployed code */
  zipFile: z.string().nullable(),
  /** the HTTP trigger the function should have (an HTTP function), or null (an event function) */
  httpTrigger: httpTriggerConfig.nullable(),
});
export type DeployRequest = z.infer<typeof deployRequest>;

export const httpInvokeRequest = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS']),
  /** path below the function, with a leading slash */
  path: z.string().max(4096),
  query: z.array(z.tuple([z.string(), z.string()])).default([]),
  headers: z.array(z.tuple([z.string(), z.string()])).default([]),
  bodyBase64: z.string().default(''),
});
export type HttpInvokeRequest = z.infer<typeof httpInvokeRequest>;

/** What the browser gets back from an invocation: the raw answer plus its execution summary. */
export interface PlaygroundInvokeResponse {
  statusCode: number;
  headers: Record<string, string>;
  bodyBase64: string;
  record: InvocationRecord;
}

/** Platform errors, as FC sends them. */
export interface FcErrorBody {
  ErrorCode: string;
  ErrorMessage: string;
}

/** Where an HTTP function is reached from outside the playground (`GET /api/functions/:s/:f/endpoints`). */
export interface FunctionEndpoints {
  /** The FC proxy path: answers are attachments there, as on FC's default domain. */
  proxy: string;
  /** Custom domains routing to the function, each on an origin of its own. */
  customDomains: { domainName: string; url: string }[];
}
