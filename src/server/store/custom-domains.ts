import type { Db } from './db.ts';
import type { CustomDomain } from '../../shared/custom-domain.ts';

export function createCustomDomainRepo(db: Db) {
  const get = db.prepare('SELECT body FROM custom_domains WHERE name = ?');
  const put = db.prepare('INSERT OR REPLACE INTO custom_domains (name, body) VALUES (?, ?)');
  const del = db.prepare('DELETE FROM custom_domains WHERE name = ?');
  const all = db.prepare('SELECT body FROM custom_domains ORDER BY name');
  return {
    get: (name: string) => {
      const row = get.get(name) as { body: string } | undefined;
      return row ? (JSON.parse(row.body) as CustomDomain) : null;
    },
    put: (d: CustomDomain) => void put.run(d.domainName, JSON.stringify(d)),
    delete: (name: string) => del.run(name).changes > 0,
    list: () => (all.all() as { body: string }[]).map((r) => JSON.parse(r.body) as CustomDomain),
  };
}
export type CustomDomainRepo = ReturnType<typeof createCustomDomainRepo>;
