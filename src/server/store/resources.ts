import type { Db } from './db.ts';
import type { AccelerationStatus } from '../../shared/observe.ts';
import type { FunctionConfig } from '../../shared/function-config.ts';
import type { HttpTriggerConfig, TimerTriggerConfig } from '../../shared/trigger-config.ts';
import type { TracingConfig } from '../../shared/tracing.ts';

export interface ServiceRecord {
  serviceName: string;
  serviceId: string;
  description: string;
  role: string;
  internetAccess: boolean;
  logConfig: { project: string; logstore: string; [k: string]: unknown };
  /** Absent in services stored before tracing was kept: no tracing. */
  tracingConfig?: TracingConfig;
  createdTime: string;
  lastModifiedTime: string;
  etag: string;
}

export interface FunctionRecord {
  serviceName: string;
  functionId: string;
  config: FunctionConfig;
  codeChecksum: string;
  codeSize: number;
  acceleration: { status: AccelerationStatus; reason: string | null };
  /** custom-container: the digest the image reference resolved to, once known (pulled or found in the store). */
  imageDigest: string | null;
  /**
   * custom-container: while a changed image prepares, the revision before it keeps serving
   * (seed 000 §5.6); null once the new one is Ready, or when nothing was serving before.
   */
  serving: ServingRevision | null;
  revision: number;
  createdTime: string;
  lastModifiedTime: string;
  etag: string;
}

/** What an instance of an earlier revision needs to run: its configuration and its image. */
export interface ServingRevision {
  config: FunctionConfig;
  codeChecksum: string;
  imageDigest: string;
  revision: number;
}

/** What every trigger holds, whatever its type. */
interface TriggerFields {
  serviceName: string;
  functionName: string;
  triggerName: string;
  triggerId: string;
  qualifier: string;
  description: string;
  sourceArn: string | null;
  invocationRole: string | null;
  createdTime: string;
  lastModifiedTime: string;
  etag: string;
}
export type HttpTriggerRecord = TriggerFields & { triggerType: 'http'; triggerConfig: HttpTriggerConfig };
export type TimerTriggerRecord = TriggerFields & { triggerType: 'timer'; triggerConfig: TimerTriggerConfig };
/** A trigger of one of the types fnplay runs (src/shared/trigger-config.ts). */
export type TriggerRecord = HttpTriggerRecord | TimerTriggerRecord;

export const isHttpTrigger = (t: TriggerRecord): t is HttpTriggerRecord => t.triggerType === 'http';
export const isTimerTrigger = (t: TriggerRecord): t is TimerTriggerRecord => t.triggerType === 'timer';

export interface OnDemandConfig {
  serviceName: string;
  qualifier: string;
  functionName: string;
  maximumInstanceCount: number;
  etag: string;
}

type Row = Record<string, unknown>;

function toService(r: Row): ServiceRecord {
  const body = JSON.parse(r.body as string);
  return { serviceName: r.name as string, serviceId: r.id as string, ...body, createdTime: r.created as string, lastModifiedTime: r.modified as string, etag: r.etag as string };
}

function toFunction(r: Row): FunctionRecord {
  return {
    serviceName: r.service as string,
    functionId: r.id as string,
    config: JSON.parse(r.config as string),
    codeChecksum: r.code_checksum as string,
    codeSize: r.code_size as number,
    acceleration: { status: r.acceleration_status as AccelerationStatus, reason: (r.acceleration_reason as string) ?? null },
    imageDigest: (r.image_digest as string) ?? null,
    serving: r.serving ? JSON.parse(r.serving as string) : null,
    revision: r.revision as number,
    createdTime: r.created as string,
    lastModifiedTime: r.modified as string,
    etag: r.etag as string,
  };
}

function toTrigger(r: Row): TriggerRecord {
  const body = JSON.parse(r.body as string);
  return { serviceName: r.service as string, functionName: r.function as string, triggerName: r.name as string, triggerId: r.id as string, ...body, createdTime: r.created as string, lastModifiedTime: r.modified as string, etag: r.etag as string };
}

/** Services, functions, triggers and on-demand configs: the resources of the FC API. */
export function createResourceRepo(db: Db) {
  const q = {
    getService: db.prepare('SELECT * FROM services WHERE name = ?'),
    listServices: db.prepare('SELECT * FROM services ORDER BY name'),
    putService: db.prepare(`INSERT INTO services (name, id, body, etag, created, modified) VALUES (@name, @id, @body, @etag, @created, @modified)
      ON CONFLICT(name) DO UPDATE SET body = @body, etag = @etag, modified = @modified`),
    deleteService: db.prepare('DELETE FROM services WHERE name = ?'),
    countFunctions: db.prepare('SELECT count(*) AS n FROM functions WHERE service = ?'),
    getFunction: db.prepare('SELECT * FROM functions WHERE service = ? AND name = ?'),
    listFunctions: db.prepare('SELECT * FROM functions WHERE service = ? ORDER BY name'),
    allFunctions: db.prepare('SELECT * FROM functions'),
    putFunction: db.prepare(`INSERT INTO functions (service, name, id, config, code_checksum, code_size, acceleration_status, acceleration_reason, image_digest, serving, revision, etag, created, modified)
      VALUES (@service, @name, @id, @config, @code_checksum, @code_size, @acceleration_status, @acceleration_reason, @image_digest, @serving, @revision, @etag, @created, @modified)
      ON CONFLICT(service, name) DO UPDATE SET config = @config, code_checksum = @code_checksum, code_size = @code_size,
        acceleration_status = @acceleration_status, acceleration_reason = @acceleration_reason, image_digest = @image_digest, serving = @serving,
        revision = @revision, etag = @etag, modified = @modified`),
    setAcceleration: db.prepare('UPDATE functions SET acceleration_status = ?, acceleration_reason = ? WHERE service = ? AND name = ? AND code_checksum = ?'),
    // A prepared image: its digest, and the earlier revision no longer needs to serve.
    setImageReady: db.prepare("UPDATE functions SET acceleration_status = 'Ready', acceleration_reason = NULL, image_digest = ?, serving = NULL WHERE service = ? AND name = ? AND revision = ?"),
    setImageDigest: db.prepare('UPDATE functions SET image_digest = ? WHERE service = ? AND name = ? AND revision = ?'),
    setImageFailed: db.prepare("UPDATE functions SET acceleration_status = 'Failed', acceleration_reason = ?, serving = NULL WHERE service = ? AND name = ? AND revision = ?"),
    deleteFunction: db.prepare('DELETE FROM functions WHERE service = ? AND name = ?'),
    getTrigger: db.prepare('SELECT * FROM triggers WHERE service = ? AND function = ? AND name = ?'),
    listTriggers: db.prepare('SELECT * FROM triggers WHERE service = ? AND function = ? ORDER BY name'),
    putTrigger: db.prepare(`INSERT INTO triggers (service, function, name, id, body, etag, created, modified) VALUES (@service, @function, @name, @id, @body, @etag, @created, @modified)
      ON CONFLICT(service, function, name) DO UPDATE SET body = @body, etag = @etag, modified = @modified`),
    deleteTrigger: db.prepare('DELETE FROM triggers WHERE service = ? AND function = ? AND name = ?'),
    deleteTriggersOf: db.prepare('DELETE FROM triggers WHERE service = ? AND function = ?'),
    getOnDemand: db.prepare('SELECT * FROM on_demand_configs WHERE service = ? AND qualifier = ? AND function = ?'),
    listOnDemand: db.prepare('SELECT * FROM on_demand_configs ORDER BY service, qualifier, function'),
    putOnDemand: db.prepare(`INSERT INTO on_demand_configs (service, qualifier, function, maximum_instance_count, etag) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(service, qualifier, function) DO UPDATE SET maximum_instance_count = excluded.maximum_instance_count, etag = excluded.etag`),
    deleteOnDemand: db.prepare('DELETE FROM on_demand_configs WHERE service = ? AND qualifier = ? AND function = ?'),
    deleteOnDemandOf: db.prepare('DELETE FROM on_demand_configs WHERE service = ? AND function = ?'),
  };
  const toOnDemand = (r: Row): OnDemandConfig => ({ serviceName: r.service as string, qualifier: r.qualifier as string, functionName: r.function as string, maximumInstanceCount: r.maximum_instance_count as number, etag: r.etag as string });

  const repo = {
    getService: (name: string) => {
      const r = q.getService.get(name) as Row | undefined;
      return r ? toService(r) : null;
    },
    listServices: () => (q.listServices.all() as Row[]).map(toService),
    putService(s: ServiceRecord) {
      const { serviceName, serviceId, createdTime, lastModifiedTime, etag, ...body } = s;
      q.putService.run({ name: serviceName, id: serviceId, body: JSON.stringify(body), etag, created: createdTime, modified: lastModifiedTime });
    },
    deleteService: (name: string) => void q.deleteService.run(name),
    countFunctions: (service: string) => (q.countFunctions.get(service) as { n: number }).n,

    getFunction: (service: string, name: string) => {
      const r = q.getFunction.get(service, name) as Row | undefined;
      return r ? toFunction(r) : null;
    },
    listFunctions: (service: string) => (q.listFunctions.all(service) as Row[]).map(toFunction),
    allFunctions: () => (q.allFunctions.all() as Row[]).map(toFunction),
    putFunction(f: FunctionRecord) {
      q.putFunction.run({
        service: f.serviceName, name: f.config.functionName, id: f.functionId, config: JSON.stringify(f.config),
        code_checksum: f.codeChecksum, code_size: f.codeSize, acceleration_status: f.acceleration.status,
        acceleration_reason: f.acceleration.reason, image_digest: f.imageDigest, serving: f.serving ? JSON.stringify(f.serving) : null, revision: f.revision, etag: f.etag, created: f.createdTime, modified: f.lastModifiedTime,
      });
    },
    /** Only applies while the function still has that code: a slow preparation must not overwrite a newer one's status. */
    setAcceleration: (service: string, name: string, checksum: string, status: AccelerationStatus, reason: string | null) =>
      q.setAcceleration.run(status, reason, service, name, checksum).changes > 0,
    /** Image preparations are keyed by revision: a slow one must not overwrite a newer revision's state. */
    setImageReady: (service: string, name: string, revision: number, digest: string) => q.setImageReady.run(digest, service, name, revision).changes > 0,
    /** The digest is known (pulled or found) while the root filesystem is still being unpacked. */
    setImageDigest: (service: string, name: string, revision: number, digest: string) => q.setImageDigest.run(digest, service, name, revision).changes > 0,
    setImageFailed: (service: string, name: string, revision: number, reason: string) => q.setImageFailed.run(reason, service, name, revision).changes > 0,
    deleteFunction: db.transaction((service: string, name: string) => {
      q.deleteTriggersOf.run(service, name);
      q.deleteOnDemandOf.run(service, name);
      q.deleteFunction.run(service, name);
    }),

    getTrigger: (service: string, fn: string, name: string) => {
      const r = q.getTrigger.get(service, fn, name) as Row | undefined;
      return r ? toTrigger(r) : null;
    },
    listTriggers: (service: string, fn: string) => (q.listTriggers.all(service, fn) as Row[]).map(toTrigger),
    putTrigger(t: TriggerRecord) {
      const { serviceName, functionName, triggerName, triggerId, createdTime, lastModifiedTime, etag, ...body } = t;
      q.putTrigger.run({ service: serviceName, function: functionName, name: triggerName, id: triggerId, body: JSON.stringify(body), etag, created: createdTime, modified: lastModifiedTime });
    },
    deleteTrigger: (service: string, fn: string, name: string) => void q.deleteTrigger.run(service, fn, name),

    getOnDemand: (service: string, qualifier: string, fn: string) => {
      const r = q.getOnDemand.get(service, qualifier, fn) as Row | undefined;
      return r ? toOnDemand(r) : null;
    },
    listOnDemand: () => (q.listOnDemand.all() as Row[]).map(toOnDemand),
    putOnDemand: (c: OnDemandConfig) => void q.putOnDemand.run(c.serviceName, c.qualifier, c.functionName, c.maximumInstanceCount, c.etag),
    deleteOnDemand: (service: string, qualifier: string, fn: string) => void q.deleteOnDemand.run(service, qualifier, fn),
  };
  return repo;
}
export type ResourceRepo = ReturnType<typeof createResourceRepo>;
