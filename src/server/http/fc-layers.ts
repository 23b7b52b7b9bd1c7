import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { createLayerCatalog, type LayerCatalog } from '../resources/layers.ts';
import type { LayerVersionRecord } from '../store/index.ts';
import { jsonBody, param, replyJson, type HttpDeps } from './context.ts';
import type { Route } from './fc-resources.ts';
import { codeDownloadPath } from './fc-resources.ts';
import { paginate } from './views.ts';

// Layers of the FC 2.0 API (node_modules/@alicloud/fc2 client.js: listLayers … deleteLayerVersion).
// A layer version is immutable; its number is never handed out twice (store/layers.ts).

const catalogOf = (deps: HttpDeps) => createLayerCatalog({ repo: deps.store.layers, code: deps.code, region: deps.region, accountId: deps.accountId });

/** `version` of the path: a positive integer, as the SDKs check before they send it. */
function versionParam(c: Context): number {
  const raw = param(c, 'version');
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new FcError('InvalidArgument', `layer version must be a positive integer, got '${raw.slice(0, 40)}'`);
  return Number(raw);
}

/** FC 2.0's Layer (2021-04-06 struct Layer; the Go SDK's Layer): `arn` the older spelling, `arnV2` the `acs:fc:` one. */
function layerView(c: Context, deps: HttpDeps, catalog: LayerCatalog, l: LayerVersionRecord) {
  const { arn, arnV2 } = catalog.arnsOf(l);
  return {
    layerName: l.layerName,
    version: l.version,
    description: l.description,
    // FC's location is a signed OSS GET; fnplay's is its own signed download of the same zip.
    code: { repositoryType: 'OSS', location: `${originOf(c, deps)}${codeDownloadPath(deps, l.codeChecksum)}` },
    codeSize: l.codeSize,
    codeChecksum: l.codeChecksum,
    createTime: l.createTime,
    acl: 0, // private: fnplay has one account, and FC's public layers are not here
    compatibleRuntime: l.compatibleRuntime,
    arn,
    arnV2,
    // FC 3.0's name for arnV2, for clients written against it.
    layerVersionArn: arnV2,
  };
}

/**
 * The origin the client reached (as getFunctionCode answers it): the SDK sends `Host` without the
 * port, so a port-less Host gets the bound port from the allowed hosts.
 */
function originOf(c: Context, deps: HttpDeps) {
  const url = new URL(c.req.url);
  if (url.port) return url.origin;
  const bound = [...deps.allowedHosts].find((h) => h.startsWith(`${url.hostname}:`));
  return bound ? `${url.protocol}//${bound}` : url.origin;
}

const queries = (c: Context) => c.req.query() as Record<string, string | undefined>;

export const layerRoutes: Route[] = [
  {
    method: 'POST', path: '/layers/:layer/versions',
    handler: async (c, deps) => {
      const catalog = catalogOf(deps);
      const l = await catalog.publish(param(c, 'layer'), await jsonBody(c));
      return replyJson(c, layerView(c, deps, catalog, l), 200, l.etag);
    },
  },
  {
    method: 'GET', path: '/layers',
    handler: (c, deps) => {
      const catalog = catalogOf(deps);
      // Each layer once, as its latest version (FC's ListLayers); paged by name like every FC list.
      const { page, nextToken } = paginate(deps.store.layers.listLatestLayers(), (l) => l.layerName, queries(c));
      return replyJson(c, { layers: page.map((l) => layerView(c, deps, catalog, l)), ...(nextToken ? { nextToken } : {}) });
    },
  },
  {
    method: 'GET', path: '/layers/:layer/versions',
    handler: (c, deps) => {
      const catalog = catalogOf(deps);
      const name = catalog.checkedName(param(c, 'layer'));
      const all = deps.store.layers.listLayerVersions(name);
      if (all.length === 0) throw new FcError('LayerNotFound', `layer '${name}' does not exist`);
      const q = queries(c);
      const start = q.startVersion === undefined || q.startVersion === '' ? 1 : Number(q.startVersion);
      if (!Number.isInteger(start) || start < 1) throw new FcError('InvalidArgument', `startVersion must be a positive integer, got '${String(q.startVersion).slice(0, 40)}'`);
      const limit = q.limit === undefined || q.limit === '' ? 20 : Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new FcError('InvalidArgument', `limit must be an integer from 1 to 100, got '${String(q.limit).slice(0, 40)}'`);
      const from = all.filter((l) => l.version >= start);
      const page = from.slice(0, limit);
      // FC pages versions by number: the next call starts at `nextVersion`, absent after the last.
      const next = from[limit];
      return replyJson(c, { layers: page.map((l) => layerView(c, deps, catalog, l)), ...(next ? { nextVersion: next.version } : {}) });
    },
  },
  {
    method: 'GET', path: '/layers/:layer/versions/:version',
    handler: (c, deps) => {
      const catalog = catalogOf(deps);
      const l = catalog.requireVersion(catalog.checkedName(param(c, 'layer')), versionParam(c));
      return replyJson(c, layerView(c, deps, catalog, l), 200, l.etag);
    },
  },
  {
    method: 'DELETE', path: '/layers/:layer/versions/:version',
    handler: (c, deps) => {
      const catalog = catalogOf(deps);
      const l = catalog.requireVersion(catalog.checkedName(param(c, 'layer')), versionParam(c));
      // Functions that use it keep their copy of its code (function-ops resolves a layer once, when attached).
      deps.store.layers.deleteLayerVersion(l.layerName, l.version);
      return c.body(null, 204);
    },
  },
  {
    method: 'GET', path: '/layerarn/:arn',
    handler: (c, deps) => {
      const catalog = catalogOf(deps);
      const l = catalog.byArn(param(c, 'arn'));
      return replyJson(c, layerView(c, deps, catalog, l), 200, l.etag);
    },
  },
];
