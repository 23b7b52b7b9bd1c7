import { z } from 'zod';

// FC 2.0 tags (TagResource, UntagResource, GetResourceTags, ListTaggedResources), with the
// limits FC documents for them ("Configure tags"): at most 20 tags per resource; a key of 1–64
// characters, a value of up to 128, both case-sensitive; no key starting with `aliyun` or `acs:`;
// neither holding `http://` or `https://`.

export const MAX_TAGS_PER_RESOURCE = 20;
const chars = (s: string) => [...s].length;
const noUrl = (s: string) => !/https?:\/\//i.test(s);

export const tagKey = z
  .string({ message: 'must be a string' })
  .refine((k) => chars(k) >= 1 && chars(k) <= 64, 'must be 1 to 64 characters')
  .refine((k) => !/^(aliyun|acs:)/i.test(k), "must not start with 'aliyun' or 'acs:' (reserved by Alibaba Cloud)")
  .refine(noUrl, 'must not contain http:// or https://');
export const tagValue = z
  .string({ message: 'must be a string' })
  .refine((v) => chars(v) <= 128, 'must be at most 128 characters')
  .refine(noUrl, 'must not contain http:// or https://');

const resourceArn = z.string({ message: 'is required: services/<name> or acs:fc:<region>:<account>:services/<name>' }).min(1);

export const tagResourceBody = z.object({
  resourceArn,
  tags: z
    .record(z.string(), tagValue, { message: 'must be an object of tag keys to string values' })
    .superRefine((tags, ctx) => {
      const keys = Object.keys(tags);
      if (keys.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one tag' });
      if (keys.length > MAX_TAGS_PER_RESOURCE) ctx.addIssue({ code: 'custom', message: `at most ${MAX_TAGS_PER_RESOURCE} tags per resource, got ${keys.length}` });
      for (const k of keys) {
        const r = tagKey.safeParse(k);
        if (!r.success) ctx.addIssue({ code: 'custom', message: `key '${k}' ${r.error.issues[0].message}` });
      }
    }),
});

export const untagResourceBody = z
  .object({
    resourceArn,
    tagKeys: z.array(z.string({ message: 'must be strings' }), { message: 'must be an array of tag keys' }).max(MAX_TAGS_PER_RESOURCE, `at most ${MAX_TAGS_PER_RESOURCE} keys at once`).default([]),
    all: z.boolean({ message: 'must be a boolean (true or false)' }).default(false),
  })
  .refine((b) => b.all || b.tagKeys.length > 0, { message: 'needs at least one key, or all: true', path: ['tagKeys'] });

/** GetResourceTags' reply, and one item of ListTaggedResources' `resources`. */
export interface ResourceTags {
  resourceArn: string;
  tags: Record<string, string>;
}
