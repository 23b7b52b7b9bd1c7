import { z } from 'zod';
import { refusedCharacter, withRule } from './field-text.ts';
import { functionName, serviceName } from './names.ts';
import { tracingConfigBody } from './tracing.ts';

export const RUNTIMES = [
  'nodejs20',
  'nodejs18',
  'nodejs16',
  'nodejs14',
  'nodejs12',
  'nodejs10',
  'nodejs8',
  'python3.10',
  'python3.9',
  'python3',
  'custom',
  'custom.debian10',
  'go1',
  'custom-container',
] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** Every runtime name FC 2.0 knows (FC2-API §5.1). */
export const FC_RUNTIMES = [
  'nodejs4.4', 'nodejs6', 'nodejs8', 'nodejs10', 'nodejs12', 'nodejs14', 'nodejs16', 'nodejs18', 'nodejs20',
  'python2.7', 'python3', 'python3.9', 'python3.10', 'java8', 'java11', 'go1', 'php7.2', 'dotnetcore2.1', 'dotnetcore3.1',
  'custom', 'custom.debian10', 'custom-container',
] as const;

/** Runtimes FC itself no longer accepts new functions on. */
export const DEPRECATED_RUNTIMES = ['nodejs4.4', 'nodejs6'];

/** Runtimes FC knows but fnplay does not run (yet): their names get a clear error instead of "invalid". */
export const KNOWN_UNSUPPORTED_RUNTIMES: string[] = FC_RUNTIMES.filter((r) => !(RUNTIMES as readonly string[]).includes(r) && !DEPRECATED_RUNTIMES.includes(r));

/** Why a runtime name is refused, or null when fnplay runs it. RUNTIMES is the one list of accepted names. */
export function runtimeProblem(r: string): string | null {
  if ((RUNTIMES as readonly string[]).includes(r)) return null;
  const runs = `fnplay runs ${RUNTIMES.join(', ')}`;
  if (DEPRECATED_RUNTIMES.includes(r)) return `runtime '${r}' is deprecated: Function Compute no longer accepts new functions on it (use nodejs8 or later; ${runs})`;
  if (KNOWN_UNSUPPORTED_RUNTIMES.includes(r)) return `runtime '${r}' is a Function Compute runtime that fnplay does not run (${runs})`;
  return `Runtime is set to an invalid value (${runs})`;
}

export const isNodeRuntime = (r: string) => r.startsWith('nodejs');
export const isCustomRuntime = (r: string) => r === 'custom' || r === 'custom.debian10';
/** A function whose code is an OCI image (seed 000 §5): no zip, a `customContainerConfig` instead. */
export const isContainerRuntime = (r: string) => r === 'custom-container';

const envKey = /^[a-zA-Z][a-zA-Z0-9_]*$/;
const RESERVED_ENV = new Set(['accessKeyID', 'accessKeySecret', 'securityToken', 'topic']);

export const environmentVariables = z
  .record(z.string(), z.string())
  .superRefine((env, ctx) => {
    let total = 0;
    for (const [k, v] of Object.entries(env)) {
      total += k.length + v.length;
      if (!envKey.test(k)) ctx.addIssue({ code: 'custom', message: `environment variable name '${shownKey(k)}' must match ^[a-zA-Z][a-zA-Z0-9_]*$` });
      else if (k.startsWith('FC_') || RESERVED_ENV.has(k)) ctx.addIssue({ code: 'custom', message: `environment variable name '${k}' is reserved` });
      else {
        // A value goes into the instance's environment, where only NUL cannot be passed.
        const refused = refusedCharacter(v, 'argv');
        if (refused) ctx.addIssue({ code: 'custom', message: `the value of environment variable '${k}' ${refused}` });
      }
    }
    if (total > 4096) ctx.addIssue({ code: 'custom', message: `environment variables must total at most 4 KB, got ${total} bytes` });
  });

/** A key as a message shows it: control characters escaped, long ones cut, so the message stays one readable line. */
function shownKey(k: string): string {
  const escaped = JSON.stringify(k).slice(1, -1);
  return escaped.length <= 64 ? escaped : `${escaped.slice(0, 48)}…`;
}

/** handler, initializer and hooks reach the instance in x-fc-* headers (SPEC §4). */
export const handlerString = withRule(z.string().min(1).max(128), 'header');
const hookHandler = withRule(z.string().max(128), 'header');
const hook = z.object({
  handler: hookHandler.optional(),
  timeout: z.number().int().min(1).max(90).optional(),
});

// Each word becomes an argv entry (Linux allows 128 KiB each); fnplay's cap keeps a manifest readable.
const MAX_COMMAND_WORDS = 100;
const MAX_WORD = 4096;
const commandWord = withRule(z.string().max(MAX_WORD), 'argv').refine((w) => w.trim() !== '', 'must not be empty: every word of a command names something to run or pass');
export const customRuntimeConfig = z.object({
  command: z.array(commandWord).max(MAX_COMMAND_WORDS).optional(),
  // An empty argument is a real argument (`--name ""`); only NUL cannot be passed.
  args: z.array(withRule(z.string().max(MAX_WORD), 'argv')).max(MAX_COMMAND_WORDS).optional(),
});

const description = withRule(z.string().max(256), 'text');

/**
 * FC carries a container's `command` and `args` as JSON arrays inside strings (`'["python","app.py"]'`,
 * FC2-API §5.1); '' (or absent) means the image's own ENTRYPOINT / CMD.
 */
const jsonWords = withRule(z.string().max(MAX_COMMAND_WORDS * MAX_WORD), 'argv').superRefine((s, ctx) => {
  if (s.trim() === '') return;
  const words = parseJsonWords(s);
  if (typeof words === 'string') ctx.addIssue({ code: 'custom', message: words });
});

/** The words of a JSON-array string, or why it is not one. */
export function parseJsonWords(s: string): string[] | string {
  if (s.trim() === '') return [];
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    return `must be a JSON array of strings, like '["python","app.py"]', got '${s.length > 60 ? `${s.slice(0, 60)}…` : s}'`;
  }
  if (!Array.isArray(v) || v.some((w) => typeof w !== 'string')) return `must be a JSON array of strings, like '["python","app.py"]'`;
  if (v.length > MAX_COMMAND_WORDS) return `must have at most ${MAX_COMMAND_WORDS} words`;
  if (v.some((w: string) => w.includes('\0'))) return 'must not contain a NUL character';
  return v as string[];
}

/** An image reference as Docker writes it (host/path:tag or @sha256:…); the image store checks it fully. */
const imageReference = withRule(z.string().min(1, 'must name an image (registry/namespace/name:tag)').max(1024), 'line').refine((s) => !/\s/.test(s), 'must not contain spaces');

export const customContainerConfig = z.object({
  // Required for a new custom-container function (function-ops checks); an update may leave it out.
  image: imageReference.optional(),
  command: jsonWords.optional(),
  args: jsonWords.optional(),
  accelerationType: z.enum(['Default', 'None']).optional(),
  /** ACR Enterprise Edition's instance id: kept and returned, nothing else (there is no ACR here). */
  instanceID: withRule(z.string().max(128), 'line').optional(),
  webServerMode: z.boolean().optional(),
});
export type CustomContainerConfig = Required<z.infer<typeof customContainerConfig>>;

/** FC: "a function can be configured with a maximum of five layers, including custom and public layers". */
export const MAX_FUNCTION_LAYERS = 5;

export const memorySize = z
  .number()
  .int()
  .refine((m) => m >= 128 && m <= 32768 && m % 64 === 0, 'must be a multiple of 64 between 128 and 32768');

/** Fields a client may set on a function (create and update share them; create requires some). */
export const functionFields = z.object({
  description: description.optional(),
  runtime: z.string().superRefine((r, ctx) => {
    const problem = runtimeProblem(r);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }).optional(),
  handler: handlerString.optional(),
  memorySize: memorySize.optional(),
  timeout: z.number().int().min(1).max(86400).optional(),
  initializer: hookHandler.optional(),
  initializationTimeout: z.number().int().min(1).max(300).optional(),
  instanceConcurrency: z.number().int().min(1).max(100).optional(),
  instanceLifecycleConfig: z.object({ preFreeze: hook.optional(), preStop: hook.optional() }).optional(),
  environmentVariables: environmentVariables.optional(),
  customRuntimeConfig: customRuntimeConfig.optional(),
  customContainerConfig: customContainerConfig.optional(),
  caPort: z.number().int().min(1).max(65535).optional(),
  code: z.object({ zipFile: z.string().optional(), ossBucketName: z.string().optional(), ossObjectName: z.string().optional() }).optional(),
  /** Layer version ARNs, first wins in /opt; absent keeps them on update, `[]` clears (function-ops checks each exists). */
  layers: z.array(withRule(z.string().max(1024), 'line')).max(MAX_FUNCTION_LAYERS, `a function can use at most ${MAX_FUNCTION_LAYERS} layers`).optional(),
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
  /** Set for `custom-container` only; `command`/`args` as FC returns them (JSON-array strings, '' for the image's own). */
  customContainerConfig: CustomContainerConfig | null;
  caPort: number;
  /**
   * The function's layers in the order given, each with the code it held when attached: a layer
   * version never changes, and one deleted later keeps serving the functions that use it (as on
   * FC and Lambda). Absent in functions stored before fnplay had layers: none.
   */
  layers?: FunctionLayer[];
}

/** One layer of a function: its ARN as FC writes it (`acs:fc:…:layers/<name>/versions/<n>`) and its code. */
export interface FunctionLayer {
  arn: string;
  codeChecksum: string;
  codeSize: number;
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

// SLS's naming rules (a project 3–63 characters, a logstore 2–63); '' means no logging. Both
// also reach the instance in x-fc-service-logproject / -logstore headers.
const slsName = (re: RegExp, rule: string) => z.string().refine((v) => v === '' || re.test(v), `must be empty or ${rule}`);
export const logConfig = z
  .object({
    project: slsName(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, '3 to 63 lowercase letters, digits and -, starting and ending with a letter or digit').optional(),
    logstore: slsName(/^[a-z0-9][a-z0-9_-]{0,61}[a-z0-9]$/, '2 to 63 lowercase letters, digits, _ and -, starting and ending with a letter or digit').optional(),
  })
  .passthrough();

export const serviceBody = z.object({
  serviceName,
  description: description.optional(),
  internetAccess: z.boolean().optional(),
  role: withRule(z.string().max(1024), 'line').optional(),
  logConfig: logConfig.optional(),
  tracingConfig: tracingConfigBody.optional(),
});
export const updateServiceBody = serviceBody.omit({ serviceName: true });

// Trigger schemas live in trigger-config.ts; the manifest form and older imports reach them here too.
export { httpTriggerConfig, createTriggerBody, updateTriggerBody, type HttpTriggerConfig } from './trigger-config.ts';

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
