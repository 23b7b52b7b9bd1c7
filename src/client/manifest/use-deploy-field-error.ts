import { useState } from 'react';
import { useSession, type ActionError } from '../invoke/session.ts';
import type { ManifestDraft } from '../workspace/types.ts';
import { draftValueOf, resolveField, type ManifestErrors } from './manifest-fields.ts';

/**
 * The service's word on a deploy that failed on one field (`memorySize: must be …`), placed under
 * that field. It stays while the field holds the value the service refused, and goes as soon as the
 * user changes it: a stale complaint next to a corrected value would send them looking for a ghost.
 */
export function useDeployFieldError(manifest: ManifestDraft): ManifestErrors {
  const error = useSession((s) => s.error);
  const field = error?.action === 'deploy' && error.field ? resolveField(error.field) : null;
  const value = field ? JSON.stringify(draftValueOf(manifest, field)) : '';
  // the field's value when this error arrived (derived state, recorded during render)
  const [seen, setSeen] = useState<{ error: ActionError; value: string } | null>(null);
  if (!error || !field) return {};
  if (seen?.error !== error) {
    setSeen({ error, value });
    return { [field]: withoutFieldPrefix(error) };
  }
  return seen.value === value ? { [field]: withoutFieldPrefix(error) } : {};
}

/** `function.memorySize: must be …` under the Memory field reads better as `must be …`. */
const withoutFieldPrefix = (error: ActionError) =>
  error.field && error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
