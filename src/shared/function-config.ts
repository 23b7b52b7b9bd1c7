import { z } from 'zod';
import { functionName, serviceName, triggerName } from './names.ts';

export const RUNTIMES = [
  'nodejs20',
  'nodejs18',
  'nodejs16',
  'custom',
  'custom.debian10',
] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** Runtimes FC knows but fnplay does not run yet: accepted names get a clear error instead of "invalid". */
export const KNOWN_UNSUPPORTED_RUNTIMES = ['python3.10', 'python3.9', 'python3', 'go1', 'custom-container'];

export const isNodeRuntime = (r: string) => r.startsWith('nodejs');
export const isCustomRuntime = (r: string) => r === 'custom' || r === 'custom.debian10';

const envKey = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const RESERVED_ENV = new Set(['accessKeyID', 'accessKeySecret', 'securityToken', 'topic']);

export const environmentVariables = z
  .record(z.string(), z.string())
  .superRefine((env, ctx) => {
    let total = 0;
    for (const [k, v] of Object.entries(env)) {
      total += k.length + v.length;
      if (!envKey.test(k)) ctx.addIssue({ code: 'custom', message: `environment variable name '${k}' must match ^[a-zA-Z][a-zA-Z0-9_]*$` });
      else if (k.startsWith('FC_') || RESERVED_ENV.has(k)) ctx.addIssue({ code: 'custom', message: `environment variable name '${k}' is reserved` });
    }
    if (total > 4096) ctx.addIssue({ code: 'custom', message: `environment variables must total at most 4 KB, got ${total} bytes` });
  });

const handlerString = z.string().min(1).max(128);
const hook = z.object({
  handler: z.string().max(128).optional(),
  timeout: z.number().int().min(1).max(90).optional(),
});

export const memorySize = z
  .number()
  .int()
  .refine((m) => m >= 128 && m <= 32768 && m % 64 === 0, 'must be a multiple of 64 between 128 and 32768');

/** Fields a client may set on a function (create and update share them; create requires some). */
export const functionFields = z.object({
  description: z.string().max(256).optional(),
  runtime: z.string().refine((r) => (RUNTIMES as readonly string[]).includes(r), 'Runtime is set to an invalid value').optional(),
  handler: handlerString.optional(),
  memorySize: memorySize.optional(),
  timeout: z.number().int().min(1).max(86400).optional(),
  initializer: z.string().max(128).optional(),
  initializationTimeout: z.number().int().min(1).max(300).optional(),
  instanceConcurrency: z.number().int().min(1).max(100).optional(),
  instanceLifecycleConfig: z.object({ preFreeze: hook.optional(), preStop: hook.optional() }).optional(),
  environmentVariables: environmentVariables.optional(),
  customRuntimeConfig: z
    .object({ command: z.array(z.string()).optional(), args: z.array(z.string()).optional() })
    .optional(),
  caPort: z.number().int().min(1).max(65535).optional(),
  code: z.object({ zipFile: z.string().optional(), ossBucketName: z.string().optional(), ossObjectName: z.string().optional() }).optional(),
});

export const createFunctionBody = functionFields.extend({
  functionName,
  runtime: functionFields.shape.runtime.unwrap(),
  handler: handlerString,
});
export type CreateFunctionBody = z.infer<typeof createFunctionBody>;
export const updateFunctionBody = functionFields;
export type UpdateFunctionBody = z.infer<typeof updateFunctionBody>;

/** What a function is once stored: defaults filled in. */
export interface FunctionConfig {
  functionName: string;
  description: string;
  runtime: Runtime;
  handler: string;
  memorySize: number;
  timeout: number;
  initializer: string;
  initializationTimeout: number;
  instanceConcurrency: number;
  instanceLifecycleConfig: { preFreeze: { handler: string; timeout: number }; preStop: { handler: string; timeout: number } };
  environmentVariables: Record<string, string>;
  customRuntimeConfig: { command: string[]; args: string[] } | null;
  caPort: number;
}

export const FUNCTION_DEFAULTS = {
  description: '',
  memorySize: 128,
  timeout: 3,
  initializer: '',
  initializationTimeout: 3,
  instanceConcurrency: 1,
  caPort: 9000,
} as const;

export const serviceBody = z.object({
  serviceName,
  description: z.string().max(256).optional(),
  internetAccess: z.boolean().optional(),
  role: z.string().optional(),
  logConfig: z.object({ project: z.string().optional(), logstore: z.string().optional() }).passthrough().optional(),
});
export const updateServiceBody = serviceBody.omit({ serviceName: true });

export const httpTriggerConfig = z.object({
  authType: z.enum(['anonymous', 'function']).default('function'),
  methods: z.array(z.enum(['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'])).min(1).default(['GET']),
});
export type HttpTriggerConfig = z.infer<typeof httpTriggerConfig>;

export const createTriggerBody = z.object({
  triggerName,
  triggerType: z.literal('http', { message: "only triggerType 'http' is supported by fnplay" }),
  triggerConfig: httpTriggerConfig,
  qualifier: z.string().optional(),
  description: z.string().max(256).optional(),
  sourceArn: z.string().optional(),
  invocationRole: z.string().optional(),
});
export const updateTriggerBody = z.object({
  triggerConfig: httpTriggerConfig.optional(),
  qualifier: z.string().optional(),
  description: z.string().max(256).optional(),
  invocationRole: z.string().optional(),
});

export const onDemandConfigBody = z.object({
  maximumInstanceCount: z.number().int().min(0),
});

/** The first problem of a zod error, phrased as FC phrases InvalidArgument messages. */
export function describeZodError(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid request';
  const field = issue.path.join('.') || 'body';
  return `${field}: ${issue.message}`;
}
