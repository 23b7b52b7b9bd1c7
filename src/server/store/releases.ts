import type { Db } from './db.ts';
import type { FunctionRecord, ServiceRecord } from './resources.ts';

/** What a version holds: the service and every function of it as they were when it was published. */
export interface VersionSnapshot {
  service: ServiceRecord;
  functions: FunctionRecord[];
}

export interface VersionRecord {
  serviceName: string;
  versionId: string;
  description: string;
  snapshot: VersionSnapshot;
  fingerprint: string;
  createdTime: string;
  lastModifiedTime: string;
}

export interface AliasRecord {
  serviceName: string;
  aliasName: string;
  versionId: string;
  description: string;
  /** One more version and the share of calls it takes (0–1): gradual release (FC2-API §5.1). */
  additionalVersionWeight: Record<string, number>;
  resolvePolicy: string;
  routePolicy: unknown;
  createdTime: string;
  lastModifiedTime: string;
  etag: string;
}

export interface ProvisionConfigRecord {
  serviceName: string;
  qualifier: string;
  functionName: string;
  target: number;
  scheduledActions: unknown[];
  targetTrackingPolicies: unknown[];
  alwaysAllocateCPU: boolean;
  etag: string;
}

type Row = Record<string, unknown>;

function toVersion(r: Row): VersionRecord {
  return {
    serviceName: r.service as string, versionId: String(r.id), description: r.description as string, snapshot: JSON.parse(r.snapshot as string),
    fingerprint: r.fingerprint as string, createdTime: r.created as string, lastModifiedTime: r.modified as string,
  };
}

function toAlias(r: Row): AliasRecord {
  return { serviceName: r.service as string, aliasName: r.name as string, ...JSON.parse(r.body as string), createdTime: r.created as string, lastModifiedTime: r.modified as string, etag: r.etag as string };
}

function toProvision(r: Row): ProvisionConfigRecord {
  return { serviceName: r.service as string, qualifier: r.qualifier as string, functionName: r.function as string, ...JSON.parse(r.body as string), etag: r.etag as string };
}

/** Versions, aliases and provision configs: the tables behind a service's releases. */
export function createReleaseRepo(db: Db) {
  const q = {
    nextVersion: db.prepare(`INSERT INTO version_seq (service, last) VALUES (?, 1) ON CONFLICT(service) DO UPDATE SET last = last + 1 RETURNING last`),
    insertVersion: db.prepare('INSERT INTO versions (service, id, description, snapshot, fingerprint, created, modified) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    getVersion: db.prepare('SELECT * FROM versions WHERE service = ? AND id = ?'),
    listVersions: db.prepare('SELECT * FROM versions WHERE service = ? ORDER BY id'),
    latestVersion: db.prepare('SELECT * FROM versions WHERE service = ? ORDER BY id DESC LIMIT 1'),
    deleteVersion: db.prepare('DELETE FROM versions WHERE service = ? AND id = ?'),
    countVersions: db.prepare('SELECT count(*) AS n FROM versions WHERE service = ?'),
    allVersionFunctions: db.prepare('SELECT snapshot FROM versions'),
    getAlias: db.prepare('SELECT * FROM aliases WHERE service = ? AND name = ?'),
    listAliases: db.prepare('SELECT * FROM aliases WHERE service = ? ORDER BY name'),
    putAlias: db.prepare(`INSERT INTO aliases (service, name, body, etag, created, modified) VALUES (@service, @name, @body, @etag, @created, @modified)
      ON CONFLICT(service, name) DO UPDATE SET body = @body, etag = @etag, modified = @modified`),
    deleteAlias: db.prepare('DELETE FROM aliases WHERE service = ? AND name = ?'),
    getProvision: db.prepare('SELECT * FROM provision_configs WHERE service = ? AND qualifier = ? AND function = ?'),
    listProvision: db.prepare('SELECT * FROM provision_configs ORDER BY service, qualifier, function'),
    putProvision: db.prepare(`INSERT INTO provision_configs (service, qualifier, function, body, etag) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(service, qualifier, function) DO UPDATE SET body = excluded.body, etag = excluded.etag`),
    deleteProvision: db.prepare('DELETE FROM provision_configs WHERE service = ? AND qualifier = ? AND function = ?'),
    deleteProvisionOfFunction: db.prepare('DELETE FROM provision_configs WHERE service = ? AND function = ?'),
  };

  return {
    /** Takes the next number (never one handed out before, FC2-API §5.1) and stores the snapshot. */
    publishVersion: db.transaction((v: Omit<VersionRecord, 'versionId'>): VersionRecord => {
      const { last } = q.nextVersion.get(v.serviceName) as { last: number };
      q.insertVersion.run(v.serviceName, last, v.description, JSON.stringify(v.snapshot), v.fingerprint, v.createdTime, v.lastModifiedTime);
      return { ...v, versionId: String(last) };
    }),
    getVersion: (service: string, id: string) => {
      const r = /^\d{1,15}$/.test(id) ? (q.getVersion.get(service, Number(id)) as Row | undefined) : undefined;
      return r ? toVersion(r) : null;
    },
    listVersions: (service: string) => (q.listVersions.all(service) as Row[]).map(toVersion),
    latestVersion: (service: string) => {
      const r = q.latestVersion.get(service) as Row | undefined;
      return r ? toVersion(r) : null;
    },
    deleteVersion: (service: string, id: string) => void q.deleteVersion.run(service, Number(id)),
    countVersions: (service: string) => (q.countVersions.get(service) as { n: number }).n,
    /** Every function of every version (image and layer collection must keep what a version still runs). */
    allVersionFunctions: () => (q.allVersionFunctions.all() as Row[]).flatMap((r) => (JSON.parse(r.snapshot as string) as VersionSnapshot).functions),

    getAlias: (service: string, name: string) => {
      const r = q.getAlias.get(service, name) as Row | undefined;
      return r ? toAlias(r) : null;
    },
    listAliases: (service: string) => (q.listAliases.all(service) as Row[]).map(toAlias),
    putAlias(a: AliasRecord) {
      const { serviceName, aliasName, createdTime, lastModifiedTime, etag, ...body } = a;
      q.putAlias.run({ service: serviceName, name: aliasName, body: JSON.stringify(body), etag, created: createdTime, modified: lastModifiedTime });
    },
    deleteAlias: (service: string, name: string) => void q.deleteAlias.run(service, name),

    getProvision: (service: string, qualifier: string, fn: string) => {
      const r = q.getProvision.get(service, qualifier, fn) as Row | undefined;
      return r ? toProvision(r) : null;
    },
    listProvision: () => (q.listProvision.all() as Row[]).map(toProvision),
    putProvision(c: ProvisionConfigRecord) {
      const { serviceName, qualifier, functionName, etag, ...body } = c;
      q.putProvision.run(serviceName, qualifier, functionName, JSON.stringify(body), etag);
    },
    deleteProvision: (service: string, qualifier: string, fn: string) => void q.deleteProvision.run(service, qualifier, fn),
    deleteProvisionOfFunction: (service: string, fn: string) => void q.deleteProvisionOfFunction.run(service, fn),
  };
}
export type ReleaseRepo = ReturnType<typeof createReleaseRepo>;
