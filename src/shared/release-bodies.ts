import { z } from 'zod';
import { withRule } from './field-text.ts';
import { serviceName } from './names.ts';

// Request bodies of versions, aliases and provision configs (FC2-API §5.1, §5.5), checked at the
// edge; the reply shapes the page reads are in releases-api.ts.

const description = withRule(z.string().max(256), 'text');
const versionId = z.string().regex(/^[1-9]\d{0,9}$/, 'must be a version id (a whole number from 1)');

export const publishVersionBody = z.object({ description: description.optional() });

/** An alias name: a resource name (FC2-API §6) that is not LATEST and not a number (those name versions). */
export const aliasName = serviceName.refine((n) => n !== 'LATEST', 'must not be LATEST: LATEST is the service as it is now');

/** One more version and the share of calls it takes: gradual release. FC takes one at most. */
export const additionalVersionWeight = z
  .record(versionId, z.number().min(0, 'must be a weight from 0 to 1').max(1, 'must be a weight from 0 to 1'))
  .refine((w) => Object.keys(w).length <= 1, 'may name one additional version at most (gradual release shifts calls between two versions)');

const aliasFields = {
  description: description.optional(),
  additionalVersionWeight: additionalVersionWeight.optional(),
  resolvePolicy: z.enum(['Random', 'Content']).optional(),
  routePolicy: z.unknown().optional(),
};
export const createAliasBody = z.object({ aliasName, versionId, ...aliasFields });
export const updateAliasBody = z.object({ versionId: versionId.optional(), ...aliasFields });

/** FC2-API §5.5: target 0–10000 (0 releases every provisioned instance; there is no delete). */
export const provisionConfigBody = z.object({
  target: z.number({ message: 'is required: how many instances to keep ready' }).int().min(0).max(10000),
  scheduledActions: z.array(z.object({}).passthrough()).max(100).optional(),
  targetTrackingPolicies: z.array(z.object({}).passthrough()).max(100).optional(),
  alwaysAllocateCPU: z.boolean().optional(),
});
