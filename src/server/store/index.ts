import { openDb } from './db.ts';
import { createResourceRepo } from './resources.ts';
import { createRecordRepo } from './records.ts';
import { createCustomDomainRepo } from './custom-domains.ts';
import { createGeneration } from './generation.ts';
import { createReleaseRepo } from './releases.ts';
import { createAsyncEventRepo } from './async-events.ts';
import { createTagRepo } from './tags.ts';
import { createLayerRepo } from './layers.ts';

export type { ServiceRecord, FunctionRecord, ServingRevision, TriggerRecord, OnDemandConfig, ResourceRepo } from './resources.ts';
export type { RecordRepo, LogQuery } from './records.ts';
export type { LayerVersionRecord, LayerRepo } from './layers.ts';
export type { AsyncEventRow, AsyncConfigRecord, AsyncEventRepo } from './async-events.ts';
export type { VersionRecord, VersionSnapshot, AliasRecord, ProvisionConfigRecord, ReleaseRepo } from './releases.ts';

export function openStore(file: string, opts: { maxStoredLogLines: number; maxStoredLogBytes: number }) {
  const db = openDb(file);
  const settings = {
    get: (key: string) => (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value ?? null,
    set: (key: string, value: string) => void db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, value),
  };
  const records = createRecordRepo(db, { maxStoredLines: opts.maxStoredLogLines, maxStoredBytes: opts.maxStoredLogBytes });
  const generation = createGeneration();
  return {
    resources: generation.counted(createResourceRepo(db)),
    /** Versions, aliases and provision configs: how a service is released. */
    releases: generation.counted(createReleaseRepo(db)),
    layers: generation.counted(createLayerRepo(db)),
    /** Tags of services, by ARN. */
    tags: createTagRepo(db),
    /** The durable async queue and the async invoke configs (SPEC §3). */
    asyncEvents: createAsyncEventRepo(db),
    records, settings, customDomains: createCustomDomainRepo(db),
    /** Moves on with every write to services, functions, triggers, versions, aliases and configs. */
    generation: generation.value,
    close() {
      records.close();
      db.close();
    },
  };
}
export type Store = ReturnType<typeof openStore>;
