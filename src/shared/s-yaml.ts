// Serverless Devs' s.yaml as fnplay reads it, for the playground's import (src/client/manifest)
// and `fnplay deploy` (src/server/cli-deploy.ts): the schema of an fc service and the file-level
// checks (YAML, `services`, which of them are fc), with the same messages on both sides.
import { parse, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { splitTokens } from './command-tokens.ts';

/**
 * The part of a Serverless Devs `s.yaml` (edition 1.0.0, fc component) fnplay reads. Objects are
 * loose: real files carry vpcConfig, logConfig and more, which are ignored, not refused.
 * `null` counts as absent, because `initializer:` with nothing after it is how YAML says "unset".
 */
const num = z.number().nullish();
const str = z.string().nullish();
/** Serverless Devs writes command/args as lists; a single string is split like the form splits it. */
const tokens = z
  .union([z.array(z.union([z.string(), z.number()]).transform(String)), z.string().transform(splitTokens)])
  .nullish();
/**
 * A container's command/args: Serverless Devs writes FC's JSON-array string (`'["/server"]'`); a
 * YAML list is taken too. Left as written here; the conversion to words says what is wrong.
 */
const jsonWords = z.union([z.string(), z.array(z.union([z.string(), z.number()]).transform(String))]).nullish();
const containerConfig = z
  .looseObject({
    image: str,
    command: jsonWords,
    args: jsonWords,
    accelerationType: z.enum(['Default', 'None']).nullish(),
    instanceID: str,
    webServerMode: z.boolean().nullish(),
  })
  .nullish();
const hook = z.looseObject({ handler: str, timeout: num }).nullish();
/** `PORT: 8080` is a number to YAML and a string to FC: scalars are taken as their text. */
const envValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

/**
 * `asyncConfiguration` as the fc component reads it: destinations as plain ARNs under `destination`
 * (`acs:fc:::services/…` gets the region and account on deploy). Some files carry FC's API shape,
 * `destinationConfig.onSuccess.destination`, which the component also takes.
 */
const arnRef = z.looseObject({ destination: str }).nullish();
const asyncConfiguration = z
  .looseObject({
    destination: z.looseObject({ onSuccess: str, onFailure: str }).nullish(),
    destinationConfig: z.looseObject({ onSuccess: arnRef, onFailure: arnRef }).nullish(),
    maxAsyncEventAgeInSeconds: num,
    maxAsyncRetryAttempts: num,
    statefulInvocation: z.boolean().nullish(),
  })
  .nullish();

export const sYamlFunction = z.looseObject({
  name: z.string(),
  description: str,
  runtime: z.string(),
  handler: str,
  memorySize: num,
  timeout: num,
  instanceConcurrency: num,
  initializer: str,
  initializationTimeout: num,
  instanceLifecycleConfig: z.looseObject({ preFreeze: hook, preStop: hook }).nullish(),
  environmentVariables: z.record(z.string(), envValue).nullish(),
  customRuntimeConfig: z.looseObject({ command: tokens, args: tokens }).nullish(),
  customContainerConfig: containerConfig,
  caPort: num,
  codeUri: str,
  layers: z.array(z.string()).nullish(),
  asyncConfiguration,
});

export const sYamlTrigger = z.looseObject({
  name: str,
  type: z.string(),
  config: z.looseObject({ authType: str, methods: z.array(z.string()).nullish() }).nullish(),
});

export const sYamlFcService = z.looseObject({
  component: z.string(),
  props: z.looseObject({
    region: str,
    service: z.looseObject({ name: z.string(), description: str }),
    function: sYamlFunction,
    triggers: z.array(sYamlTrigger).nullish(),
  }),
});
export type SYamlFcService = z.infer<typeof sYamlFcService>;

/** `fc`, `devsapp/fc`, optionally pinned (`fc@0.1.2`); not `fc3`, whose props are flat (edition 3.0.0). */
export const isFcComponent = (component: unknown) =>
  typeof component === 'string' && /^(devsapp\/)?fc(@[\w.-]+)?$/.test(component.trim());

/** The file's YAML; an Error that says where it is not YAML. */
export function parseSYaml(text: string): unknown {
  try {
    return parse(text, { maxAliasCount: 50 });
  } catch (err) {
    if (err instanceof YAMLParseError) throw new Error(`not valid YAML: ${err.message.split('\n')[0]!.replace(/:$/, '')}`);
    throw err;
  }
}

/**
 * The fc services of a parsed s.yaml, in file order, each as its key and its still unchecked value
 * (check it with sYamlFcService). Throws an Error that says what is wrong for a file that is not a
 * mapping, has no `services` (or is an edition 3.0.0 file) or no service whose component is fc.
 */
export function fcServiceEntries(root: unknown): [key: string, raw: unknown][] {
  if (!isRecord(root)) throw new Error('s.yaml must be a YAML mapping with edition, name and services');
  if (!isRecord(root.services)) {
    if ('resources' in root) throw new Error('this s.yaml uses `resources` (edition 3.0.0, fc3 component); fnplay reads edition 1.0.0 files with `services`');
    throw new Error('s.yaml has no `services` mapping: expected services.<name>.component: fc with props.service and props.function');
  }
  const entries = Object.entries(root.services).filter(([, s]) => isRecord(s) && isFcComponent(s.component));
  if (entries.length === 0) throw new Error('s.yaml has no service with `component: fc` (fnplay reads the Function Compute component of Serverless Devs)');
  return entries;
}

/** A zod issue as `services.x.props.function.memorySize: <message>`. */
export function describeIssue(prefix: string, issue: z.core.$ZodIssue): string {
  const path = [prefix, ...issue.path.map(String)].join('.');
  return `${path}: ${issue.message}`;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
