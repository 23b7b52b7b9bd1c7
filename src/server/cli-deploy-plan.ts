// What `fnplay deploy` will do for an s.yaml: every fc service of the file (Serverless Devs
// edition 1.0.0, `component: fc` or `devsapp/fc`) as the FC API bodies of its service, function,
// triggers and async config, checked with the schemas the service checks them with, so a bad
// file is refused (exit 2) before anything is changed. Reads no network; codeUri is only resolved.
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { asyncConfigBody, type AsyncConfigBody } from '../shared/async-invocation.ts';
import { createFunctionBody, serviceBody, type CreateFunctionBody } from '../shared/function-config.ts';
import { describeIssue, fcServiceEntries, parseSYaml, sYamlFcService, type SYamlFcService } from '../shared/s-yaml.ts';
import { createTriggerBody, type CreateTriggerBody } from '../shared/trigger-config.ts';
import { InputError } from './cli-common.ts';

export interface DeployPlan {
  /** `services.<key>` in the file */
  key: string;
  service: z.infer<typeof serviceBody>;
  fn: Omit<CreateFunctionBody, 'code'>;
  /** an absolute path: a directory to zip, or a .zip file; null keeps the deployed code */
  codeUri: string | null;
  triggers: CreateTriggerBody[];
  /** destinations may still read `acs:fc:::`, filled in with the service's region and account on deploy */
  asyncConfig: AsyncConfigBody | null;
}

/** The plans of an s.yaml's text; an InputError that says what is wrong and where. */
export function planDeploy(text: string, file: string, env: NodeJS.ProcessEnv = process.env): DeployPlan[] {
  let entries: [string, unknown][];
  try {
    const root = parseSYaml(text);
    entries = fcServiceEntries(substituteVariables(root, env));
  } catch (err) {
    throw new InputError(`${file}: ${(err as Error).message}`);
  }
  return entries.map(([key, raw]) => {
    const parsed = sYamlFcService.safeParse(raw);
    if (!parsed.success) throw new InputError(`${file}: ${describeIssue(`services.${key}`, parsed.error.issues[0]!)}`);
    return planService(key, parsed.data, file);
  });
}

function planService(key: string, { props }: SYamlFcService, file: string): DeployPlan {
  const at = `services.${key}.props`;
  const check = <T>(schema: z.ZodType<T>, value: unknown, where: string): T => {
    const r = schema.safeParse(value);
    if (!r.success) throw new InputError(`${file}: ${describeIssue(where, r.error.issues[0]!)}`);
    return r.data;
  };
  const s = props.service as typeof props.service & Record<string, unknown>;
  const service = check(serviceBody, dropNulls({ serviceName: s.name, description: s.description, internetAccess: s.internetAccess, role: s.role }), `${at}.service`);

  const f = props.function;
  const hook = (h: { handler?: string | null; timeout?: number | null } | null | undefined) => (h ? { handler: h.handler, timeout: h.timeout } : undefined);
  const container = f.customContainerConfig;
  const fn = check(
    createFunctionBody.omit({ code: true }),
    dropNulls({
      functionName: f.name,
      description: f.description,
      runtime: f.runtime,
      handler: f.handler,
      memorySize: f.memorySize,
      timeout: f.timeout,
      instanceConcurrency: f.instanceConcurrency,
      initializer: f.initializer,
      initializationTimeout: f.initializationTimeout,
      instanceLifecycleConfig: f.instanceLifecycleConfig
        ? { preFreeze: hook(f.instanceLifecycleConfig.preFreeze), preStop: hook(f.instanceLifecycleConfig.preStop) }
        : undefined,
      environmentVariables: f.environmentVariables,
      customRuntimeConfig: f.customRuntimeConfig,
      // FC takes a container's command and args as JSON-array strings, as Serverless Devs writes them
      customContainerConfig: container
        ? { ...container, command: jsonArrayText(container.command), args: jsonArrayText(container.args) }
        : undefined,
      caPort: f.caPort,
      layers: f.layers,
    }),
    `${at}.function`,
  );

  let codeUri: string | null = null;
  if (f.codeUri) {
    codeUri = resolve(dirname(file), f.codeUri);
    if (!existsSync(codeUri)) throw new InputError(`${file}: ${at}.function.codeUri: ${f.codeUri} does not exist (looked for ${codeUri})`);
    const st = statSync(codeUri);
    if (!st.isDirectory() && !(st.isFile() && /\.zip$/i.test(codeUri))) {
      throw new InputError(`${file}: ${at}.function.codeUri: ${f.codeUri} must be a directory or a .zip file`);
    }
  }
  // no codeUri: an update keeps the deployed code; a create gets FC's own answer (a container needs none)

  const triggers = (props.triggers ?? []).map((t, i) => {
    const where = `${at}.triggers.${i}`;
    if (!t.name) throw new InputError(`${file}: ${where}.name: is required (Serverless Devs names every trigger)`);
    const raw = (t.config ?? {}) as Record<string, unknown>;
    const type = t.type.toLowerCase();
    // as the playground's import reads an HTTP trigger: FC's values whatever their case in the file
    const config =
      type === 'http'
        ? dropNulls({ authType: typeof raw.authType === 'string' ? raw.authType.toLowerCase() : raw.authType, methods: Array.isArray(raw.methods) ? raw.methods.map((m) => (typeof m === 'string' ? m.toUpperCase() : m)) : raw.methods })
        : dropNulls(raw);
    const qualifier = (t as Record<string, unknown>).qualifier;
    const body = check(
      createTriggerBody,
      dropNulls({ triggerName: t.name, triggerType: type, triggerConfig: config, qualifier: qualifier === undefined || qualifier === null ? undefined : String(qualifier), description: (t as Record<string, unknown>).description }),
      where,
    );
    return body;
  });

  const a = f.asyncConfiguration;
  let asyncConfig: AsyncConfigBody | null = null;
  if (a && !Object.values(a).every((v) => v === null || v === undefined)) {
    // the fc component's `destination.onSuccess: <arn>`, or FC's own `destinationConfig` shape
    const onSuccess = a.destination?.onSuccess ?? a.destinationConfig?.onSuccess?.destination;
    const onFailure = a.destination?.onFailure ?? a.destinationConfig?.onFailure?.destination;
    asyncConfig = check(
      asyncConfigBody,
      dropNulls({
        maxAsyncEventAgeInSeconds: a.maxAsyncEventAgeInSeconds,
        maxAsyncRetryAttempts: a.maxAsyncRetryAttempts,
        statefulInvocation: a.statefulInvocation,
        destinationConfig: onSuccess || onFailure ? { onSuccess: onSuccess ? { destination: onSuccess } : undefined, onFailure: onFailure ? { destination: onFailure } : undefined } : undefined,
      }),
      `${at}.function.asyncConfiguration`,
    );
  }
  return { key, service, fn, codeUri, triggers, asyncConfig };
}

/** A YAML list as FC's JSON-array string; a string is FC's form already. */
function jsonArrayText(v: string | string[] | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  return Array.isArray(v) ? JSON.stringify(v) : v;
}

/** Objects without their null and undefined fields (`initializer:` with nothing after it is unset), deeply. */
function dropNulls(v: unknown): any {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
  return out;
}

const VARIABLE = /\$\{\s*(vars\.([\w-]+)|env\(\s*([\w.-]+)\s*\)|env\.([\w-]+))\s*\}/g;

/**
 * Serverless Devs' magic variables fnplay can know: `${vars.NAME}` (the file's `vars`) and
 * `${env(NAME)}` / `${env.NAME}` (the environment). A string that is only a `${vars.…}` takes the
 * variable's value itself (a number stays a number); others are left as written.
 */
export function substituteVariables(root: unknown, env: NodeJS.ProcessEnv): unknown {
  const vars = isRecord(root) && isRecord(root.vars) ? root.vars : {};
  const lookup = (m: RegExpExecArray | string[]): unknown => (m[2] !== undefined ? vars[m[2]] : env[m[3] ?? m[4]!]);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const whole = new RegExp(`^${VARIABLE.source}$`).exec(v.trim());
      if (whole) {
        const value = lookup(whole);
        return value === undefined ? v : value;
      }
      return v.replace(VARIABLE, (text, _all, name, envA, envB) => {
        const value = lookup([text, _all, name, envA, envB]);
        return value === undefined || (typeof value === 'object' && value !== null) ? text : String(value);
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'vars' && v === root ? x : walk(x)]));
    return v;
  };
  return walk(root);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
