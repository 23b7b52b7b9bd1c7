import type { Db } from './db.ts';

/**
 * Tags of resources, by the resource's canonical ARN (`acs:fc:<region>:<account>:services/<s>`;
 * FC 2.0 tags services only). The limits FC puts on them are checked at the edge (fc-tags.ts).
 */
export function createTagRepo(db: Db) {
  const q = {
    get: db.prepare('SELECT key, value FROM tags WHERE resource = ? ORDER BY key'),
    put: db.prepare('INSERT INTO tags (resource, key, value) VALUES (?, ?, ?) ON CONFLICT(resource, key) DO UPDATE SET value = excluded.value'),
    deleteKey: db.prepare('DELETE FROM tags WHERE resource = ? AND key = ?'),
    deleteAll: db.prepare('DELETE FROM tags WHERE resource = ?'),
    all: db.prepare('SELECT resource, key, value FROM tags ORDER BY resource, key'),
  };
  const toMap = (rows: { key: string; value: string }[]) => Object.fromEntries(rows.map((r) => [r.key, r.value])) as Record<string, string>;
  return {
    get: (resource: string) => toMap(q.get.all(resource) as { key: string; value: string }[]),
    /** Adds or replaces the given tags, all or none. */
    put: db.transaction((resource: string, tags: Record<string, string>) => {
      for (const [k, v] of Object.entries(tags)) q.put.run(resource, k, v);
    }),
    deleteKeys: db.transaction((resource: string, keys: string[]) => {
      for (const k of keys) q.deleteKey.run(resource, k);
    }),
    deleteAll: (resource: string) => void q.deleteAll.run(resource),
    /** Every tagged resource with its tags, by ARN. */
    list(): { resourceArn: string; tags: Record<string, string> }[] {
      const byResource = new Map<string, Record<string, string>>();
      for (const r of q.all.all() as { resource: string; key: string; value: string }[]) {
        const tags = byResource.get(r.resource) ?? {};
        tags[r.key] = r.value;
        byResource.set(r.resource, tags);
      }
      return [...byResource].map(([resourceArn, tags]) => ({ resourceArn, tags }));
    },
  };
}
export type TagRepo = ReturnType<typeof createTagRepo>;
