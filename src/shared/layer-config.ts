import { z } from 'zod';
import { withRule } from './field-text.ts';
import { FC_RUNTIMES } from './function-config.ts';

// FC's layers (PublishLayerVersion and a function's `layers`): the request body, the name rule
// and the two ARN spellings FC 2.0 writes.

// FC's resource name rule (FC2-API §6), 1–64 characters as FC (and ROS's ALIYUN::FC::Layer) gives a layer name.
export const layerName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'must contain only letters, digits, _ and -, and not start with a digit or -');

export const publishLayerBody = z.object({
  description: withRule(z.string().max(256), 'text').optional(),
  code: z.object({ zipFile: z.string().optional(), ossBucketName: z.string().optional(), ossObjectName: z.string().optional() }, { message: 'code is required: send code.zipFile (a base64 zip)' }),
  // Any runtime FC knows, fnplay's or not: a layer is only files, and FC keeps the list as given.
  compatibleRuntime: z
    .array(z.string().superRefine((r, ctx) => {
      if (!(FC_RUNTIMES as readonly string[]).includes(r)) ctx.addIssue({ code: 'custom', message: `'${r.slice(0, 40)}' is not a Function Compute runtime (${FC_RUNTIMES.join(', ')})` });
    }))
    .max(20)
    .optional(),
});
export type PublishLayerBody = z.infer<typeof publishLayerBody>;

/** One layer version as a function names it: `name` and `version` once the ARN is read. */
export interface LayerRef {
  layerName: string;
  version: number;
}

/**
 * The two ways FC 2.0 writes a layer version: `arnV2` (`acs:fc:<region>:<account>:layers/<name>/versions/<n>`,
 * the current one) and the older `arn` (`<owner>#<name>#<n>`, "about to be discarded" but still what
 * GetFunction's `layers` holds). Returns the reference, or why the text is neither, or that it names
 * another region or account (whose layers fnplay cannot have).
 */
export function parseLayerArn(arn: string, own: { region: string; accountId: string; owner: string }): LayerRef | string {
  const v2 = /^acs:fc:([^:]*):([^:]*):layers\/([^/]+)\/versions\/(\d{1,9})$/.exec(arn);
  const v1 = /^([^#]+)#([^#]+)#(\d{1,9})$/.exec(arn);
  const shown = arn.length > 120 ? `${arn.slice(0, 120)}…` : arn;
  if (!v2 && !v1) return `'${shown}' is not a layer version ARN (acs:fc:<region>:<accountID>:layers/<layerName>/versions/<version>)`;
  if (v2 && (v2[1] !== own.region || v2[2] !== own.accountId)) return `layer '${shown}' belongs to another region or account than this one (${own.region}, ${own.accountId})`;
  if (v1 && v1[1] !== own.owner) return `layer '${shown}' belongs to another account than this one`;
  const [name, version] = v2 ? [v2[3], v2[4]] : [v1![2], v1![3]];
  if (!layerName.safeParse(name).success) return `'${shown}' does not name a valid layer`;
  return { layerName: name, version: Number(version) };
}

export const layerArnV2 = (region: string, accountId: string, name: string, version: number) => `acs:fc:${region}:${accountId}:layers/${name}/versions/${version}`;
export const layerArnV1 = (owner: string, name: string, version: number) => `${owner}#${name}#${version}`;
