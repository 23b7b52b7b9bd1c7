import Database from 'better-sqlite3';

export type Db = Database.Database;

// Each entry moves the schema one version up; `PRAGMA user_version` records how far a data dir has come.
// Never edit a shipped migration: add the next one.
const MIGRATIONS: string[] = [
  `
  CREATE TABLE services (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    body TEXT NOT NULL,           -- JSON: description, role, logConfig, internetAccess
    etag TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL
  );
  CREATE TABLE functions (
    service TEXT NOT NULL REFERENCES services(name),
    name TEXT NOT NULL,
    id TEXT NOT NULL,
    config TEXT NOT NULL,         -- JSON FunctionConfig
    code_checksum TEXT NOT NULL,
    code_size INTEGER NOT NULL,
    acceleration_status TEXT NOT NULL,
    acceleration_reason TEXT,
    revision INTEGER NOT NULL,    -- bumped on every change; instances belong to one revision
    etag TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    PRIMARY KEY (service, name)
  );
  CREATE TABLE triggers (
    service TEXT NOT NULL,
    function TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,           -- JSON: triggerType, triggerConfig, qualifier, description, ...
    etag TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    PRIMARY KEY (service, function, name)
  );
  CREATE TABLE on_demand_configs (
    service TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    function TEXT NOT NULL,
    maximum_instance_count INTEGER NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (service, qualifier, function)
  );
  CREATE TABLE invocations (
    request_id TEXT PRIMARY KEY,
    service TEXT NOT NULL,
    function TEXT NOT NULL,
    start_time TEXT NOT NULL,
    record TEXT NOT NULL          -- JSON InvocationRecord
  );
  CREATE INDEX invocations_by_function ON invocations(service, function, start_time);
  CREATE TABLE logs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    service TEXT NOT NULL,
    function TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    instance_id TEXT,
    request_id TEXT,
    level TEXT NOT NULL,
    source TEXT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX logs_by_function ON logs(service, function, id);
  CREATE INDEX logs_by_request ON logs(request_id, id);
  CREATE INDEX logs_by_instance ON logs(instance_id, id);
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // 2: custom domains (FC2-API custom domain calls), served on an origin of their own.
  `
  CREATE TABLE custom_domains (
    name TEXT PRIMARY KEY,
    body TEXT NOT NULL            -- JSON: protocol, routeConfig, times
  );
  `,
  // 3: custom containers: the image digest a function's reference resolved to when it was
  // prepared, and the revision that keeps serving while a new image prepares (seed 000 §5.6).
  `
  ALTER TABLE functions ADD COLUMN image_digest TEXT;
  ALTER TABLE functions ADD COLUMN serving TEXT;  -- JSON ServingRevision, or NULL
  `,
  // 4: the rest of the FC 2.0 function API: versions (immutable snapshots of a service), aliases,
  // provision configs, layers and tags. Version and layer numbers are never reused (FC2-API §5.1):
  // the *_seq tables keep the highest number handed out, even after its version is deleted.
  `
  CREATE TABLE versions (
    service TEXT NOT NULL,
    id INTEGER NOT NULL,
    description TEXT NOT NULL,
    snapshot TEXT NOT NULL,       -- JSON VersionSnapshot: the service and every function as published
    fingerprint TEXT NOT NULL,    -- what publishing compares to refuse a version with no changes
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    PRIMARY KEY (service, id)
  );
  CREATE TABLE version_seq (service TEXT PRIMARY KEY, last INTEGER NOT NULL);
  CREATE TABLE aliases (
    service TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,           -- JSON: versionId, description, additionalVersionWeight, resolvePolicy, routePolicy
    etag TEXT NOT NULL,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    PRIMARY KEY (service, name)
  );
  CREATE TABLE provision_configs (
    service TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    function TEXT NOT NULL,
    body TEXT NOT NULL,           -- JSON: target, scheduledActions, targetTrackingPolicies, alwaysAllocateCPU
    etag TEXT NOT NULL,
    PRIMARY KEY (service, qualifier, function)
  );
  CREATE TABLE layers (
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    body TEXT NOT NULL,           -- JSON: description, compatibleRuntime, codeChecksum, codeSize, ...
    created TEXT NOT NULL,
    PRIMARY KEY (name, version)
  );
  CREATE TABLE layer_seq (name TEXT PRIMARY KEY, last INTEGER NOT NULL);
  CREATE TABLE tags (
    resource TEXT NOT NULL,       -- the resource's ARN as FC writes it (acs:fc:<region>:<account>:services/<s>)
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (resource, key)
  );
  `,
  // 5: asynchronous invocation (SPEC §3): a durable queue of accepted events, written before the
  // 202 is answered, and the per-qualifier async configs (FC2-API §5.4).
  `
  CREATE TABLE async_configs (
    service TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    function TEXT NOT NULL,
    body TEXT NOT NULL,           -- JSON: maxAsyncEventAgeInSeconds, maxAsyncRetryAttempts, destinationConfig, statefulInvocation
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    PRIMARY KEY (service, qualifier, function)
  );
  CREATE TABLE async_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,   -- arrival order
    request_id TEXT NOT NULL UNIQUE,
    invocation_id TEXT NOT NULL,             -- x-fc-stateful-async-invocation-id (the request id when none was given)
    service TEXT NOT NULL,
    qualifier TEXT NOT NULL,
    function TEXT NOT NULL,
    payload BLOB NOT NULL,
    headers TEXT NOT NULL,                   -- JSON: the caller's tracing headers
    stateful INTEGER NOT NULL,
    origin TEXT NOT NULL,                    -- 'api', 'timer' or 'destination'
    status TEXT NOT NULL,                    -- Enqueued Running Retrying Succeeded Failed Stopped Expired
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at INTEGER NOT NULL,                -- ms since the epoch: not run before
    enqueued_at INTEGER NOT NULL,
    started_at INTEGER,
    ended_at INTEGER,
    result BLOB,
    error TEXT,
    history TEXT NOT NULL                    -- JSON AsyncAttempt[]: each attempt and state change
  );
  CREATE UNIQUE INDEX async_events_by_invocation ON async_events(service, function, invocation_id);
  CREATE INDEX async_events_pending ON async_events(status, next_at, seq);
  CREATE INDEX async_events_by_function ON async_events(service, function, seq);
  `,
];

export function openDb(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // WAL + NORMAL: a crash of the machine may lose the last commits, never corrupt; logs are written often.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

function migrate(db: Db) {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`data dir was written by a newer fnplay (schema ${current}, this one knows ${MIGRATIONS.length})`);
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
