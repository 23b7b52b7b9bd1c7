import { openDb } from './db.ts';
import { createResourceRepo } from './resources.ts';
import { createRecordRepo } from './records.ts';
import { createCustomDomainRepo } from './custom-domains.ts';

export type { ServiceRecord, FunctionRecord, ServingRevision, TriggerRecord, OnDemandConfig, ResourceRepo } from './resources.ts';
export type { RecordRepo, LogQuery } from './records.ts';

export function openStore(file: string, opts: { maxStoredLogLines: number; maxStoredLogBytes: number }) {
  const db = openDb(file);
  const settings = {
    get: (key: string) => (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null,
    set: (key: string, value: string) => void db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, value),
  };
  const records = createRecordRepo(db, { maxStoredLines: opts.maxStoredLogLines, maxStoredBytes: opts.maxStoredLogBytes });
  return {
    resources: createResourceRepo(db), records, settings, customDomains: createCustomDomainRepo(db),
    close() {
      records.close();
      db.close();
    },
  };
}
export type Store = ReturnType<typeof openStore>;
