import { useMemo } from 'react';
import type { z } from 'zod';
import { createFunctionBody, environmentVariables, httpTriggerConfig } from '../../shared/function-config.ts';
import { serviceName } from '../../shared/names.ts';
import { asyncConfigBody } from '../../shared/async-invocation.ts';
import { asyncConfigBodyOf, manifestToFunction } from '../workspace/deploy-request.ts';
import { useWorkspace } from '../workspace/store.ts';
import type { ManifestDraft } from '../workspace/types.ts';
import { MANIFEST_FIELDS, resolveField, type ManifestErrors, type ManifestField } from './manifest-fields.ts';

type Issue = z.core.$ZodIssue;

/** Zod's default wording is for developers of schemas; the form speaks to users of a function. */
export function phraseIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'must be a whole number';
      // a number input that is empty (or was emptied and persisted as null) is the only way here
      if (issue.expected === 'number' || issue.expected === 'string') return 'required';
      return `must be ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'required' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return Number(issue.minimum) <= 1 ? 'choose at least one' : `choose at least ${issue.minimum}`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be at most ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/**
 * One message per environment variable row (undefined for a fine row), from the same schema the
 * service uses, plus what the service cannot see: a value without a name and a repeated name are
 * silently dropped by the conversion to an object.
 */
export function envRowErrors(rows: readonly (readonly [string, string])[]): (string | undefined)[] {
  const seen = new Set<string>();
  return rows.map(([key, value]) => {
    if (key === '') return value === '' ? undefined : 'variable name is required';
    if (seen.has(key)) return `duplicate variable name '${key}'`;
    seen.add(key);
    const r = environmentVariables.safeParse({ [key]: value });
    return r.success ? undefined : phraseIssue(r.error.issues[0]!);
  });
}

/**
 * Everything wrong with a draft, per form field, checked with the schemas the service checks a
 * deploy with: the service name, `createFunctionBody` on the function fields the deploy sends, and
 * the HTTP trigger config for HTTP functions. Empty when the draft can be deployed.
 */
export function validateManifest(draft: ManifestDraft): ManifestErrors {
  const errors: ManifestErrors = {};
  const add = (field: ManifestField | null, message: string) => {
    if (field && errors[field] === undefined) errors[field] = message;
  };
  const collect = (issues: readonly Issue[], prefix: readonly PropertyKey[] = []) => {
    for (const issue of issues) add(resolveField([...prefix, ...issue.path]), phraseIssue(issue));
  };

  const service = serviceName.safeParse(draft.serviceName);
  if (!service.success) collect(service.error.issues, ['serviceName']);

  const rowError = envRowErrors(draft.environmentVariables).find((e) => e !== undefined);
  if (rowError) add('environmentVariables', rowError);

  const fn = createFunctionBody.safeParse(manifestToFunction(draft));
  if (!fn.success) collect(fn.error.issues);

  if (draft.functionType === 'http') {
    const trigger = httpTriggerConfig.safeParse({ authType: draft.httpAuthType, methods: draft.httpMethods });
    if (!trigger.success) collect(trigger.error.issues, ['httpTrigger']);
  }

  if (draft.asyncConfig) {
    const body = asyncConfigBody.safeParse(asyncConfigBodyOf(draft.asyncConfig));
    if (!body.success) collect(body.error.issues);
  }
  return errors;
}

/** The errors as one line, for a message that says why a deploy did not start. */
export function describeManifestErrors(errors: ManifestErrors): string {
  return (Object.entries(errors) as [ManifestField, string][]).map(([f, m]) => `${MANIFEST_FIELDS[f].label}: ${m}`).join('; ');
}

/** The current draft's errors; the Invoke panel uses it to refuse deploying an invalid manifest. */
export function useManifestErrors(): ManifestErrors {
  const manifest = useWorkspace((s) => s.manifest);
  return useMemo(() => validateManifest(manifest), [manifest]);
}
