import type { Db } from './db.ts';

/** One published layer version: immutable once published (FC has no UpdateLayerVersion). */
export interface LayerVersionRecord {
  layerName: string;
  version: number;
  description: string;
  compatibleRuntime: string[];
  codeChecksum: string;
  codeSize: number;
  createTime: string;
  etag: string;
}

type Row = { name: string; version: number; body: string; created: string };

const toLayer = (r: Row): LayerVersionRecord => ({ layerName: r.name, version: r.version, ...JSON.parse(r.body), createTime: r.created });

/** Layer versions and the per-name counter that keeps their numbers from ever being handed out twice. */
export function createLayerRepo(db: Db) {
  const q = {
    nextVersion: db.prepare(`INSERT INTO layer_seq (name, last) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET last = last + 1 RETURNING last`),
    insert: db.prepare('INSERT INTO layers (name, version, body, created) VALUES (?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM layers WHERE name = ? AND version = ?'),
    versionsOf: db.prepare('SELECT * FROM layers WHERE name = ? ORDER BY version'),
    // Each layer once, with its highest version (SQLite takes the row of MAX() for the bare columns).
    latestOfEach: db.prepare('SELECT name, MAX(version) AS version, body, created FROM layers GROUP BY name ORDER BY name'),
    delete: db.prepare('DELETE FROM layers WHERE name = ? AND version = ?'),
  };

  return {
    /** Takes the next number of the name (1 for a new one; never one handed out before) and stores the version. */
    publishLayerVersion: db.transaction((v: Omit<LayerVersionRecord, 'version'>): LayerVersionRecord => {
      const { last } = q.nextVersion.get(v.layerName) as { last: number };
      const { layerName, createTime, ...body } = v;
      q.insert.run(layerName, last, JSON.stringify(body), createTime);
      return { ...v, version: last };
    }),
    getLayerVersion: (name: string, version: number) => {
      const r = q.get.get(name, version) as Row | undefined;
      return r ? toLayer(r) : null;
    },
    /** Every live version of the layer, oldest first ([] when it has none: the layer does not exist). */
    listLayerVersions: (name: string) => (q.versionsOf.all(name) as Row[]).map(toLayer),
    /** Each layer with at least one version, as its latest version, by name. */
    listLatestLayers: () => (q.latestOfEach.all() as Row[]).map(toLayer),
    deleteLayerVersion: (name: string, version: number) => void q.delete.run(name, version),
  };
}
export type LayerRepo = ReturnType<typeof createLayerRepo>;
