import { FcError } from '../errors.ts';
import type { AliasRecord, FunctionRecord, ReleaseRepo, ResourceRepo, ServiceRecord } from '../store/index.ts';

// A qualifier names what a call runs (FC2-API §1, SPEC §1): LATEST (the service as it is now), a
// version id (an immutable snapshot) or an alias (a version, plus optionally one more by weight).

export const LATEST = 'LATEST';

type Repos = { resources: ResourceRepo; releases: ReleaseRepo };

/** `{service}[.{qualifier}]`: FC2-API §1 — split at the first dot. */
export function splitQualifier(segment: string) {
  const i = segment.indexOf('.');
  return i < 0 ? { serviceName: segment, qualifier: null } : { serviceName: segment.slice(0, i), qualifier: segment.slice(i + 1) };
}

export const isVersionId = (q: string) => /^\d+$/.test(q);

export const versionNotFound = (serviceName: string, id: string) => new FcError('VersionNotFound', `version '${id}' of service '${serviceName}' does not exist`);
export const aliasNotFound = (serviceName: string, name: string) => new FcError('AliasNotFound', `alias '${name}' of service '${serviceName}' does not exist`);

/** What a qualifier names, checked to exist: LATEST, a version, or an alias (with its versions). */
export type Qualified =
  | { kind: 'latest'; qualifier: typeof LATEST }
  | { kind: 'version'; qualifier: string; versionId: string }
  | { kind: 'alias'; qualifier: string; alias: AliasRecord };

export function qualify(repos: Repos, serviceName: string, qualifier: string | null | undefined): Qualified {
  if (!qualifier || qualifier === LATEST) return { kind: 'latest', qualifier: LATEST };
  if (isVersionId(qualifier)) {
    if (!repos.releases.getVersion(serviceName, qualifier)) throw versionNotFound(serviceName, qualifier);
    return { kind: 'version', qualifier, versionId: String(Number(qualifier)) };
  }
  const alias = repos.releases.getAlias(serviceName, qualifier);
  if (!alias) throw aliasNotFound(serviceName, qualifier);
  return { kind: 'alias', qualifier, alias };
}

/** The version a qualifier reads as (an alias reads as its main version; LATEST as 'LATEST'). */
export function readVersionOf(q: Qualified): string {
  return q.kind === 'latest' ? LATEST : q.kind === 'version' ? q.versionId : q.alias.versionId;
}

/** The service as `versionId` has it: LATEST is the live one, a version its snapshot. */
export function serviceAt(repos: Repos, serviceName: string, versionId: string): ServiceRecord {
  if (versionId === LATEST) {
    const s = repos.resources.getService(serviceName);
    if (!s) throw new FcError('ServiceNotFound', `service '${serviceName}' does not exist`);
    return s;
  }
  const v = repos.releases.getVersion(serviceName, versionId);
  if (!v) throw versionNotFound(serviceName, versionId);
  return v.snapshot.service;
}

/** The functions `versionId` has: LATEST's live ones, or those the version snapshot holds. */
export function functionsAt(repos: Repos, serviceName: string, versionId: string): FunctionRecord[] {
  if (versionId === LATEST) return repos.resources.listFunctions(serviceName);
  const v = repos.releases.getVersion(serviceName, versionId);
  if (!v) throw versionNotFound(serviceName, versionId);
  return v.snapshot.functions;
}

/** One function as `versionId` has it; FunctionNotFound names the version when it is not LATEST. */
export function functionAt(repos: Repos, serviceName: string, versionId: string, functionName: string): FunctionRecord {
  const fn = versionId === LATEST ? repos.resources.getFunction(serviceName, functionName) : functionsAt(repos, serviceName, versionId).find((f) => f.config.functionName === functionName);
  if (!fn) {
    const where = versionId === LATEST ? '' : ` (version ${versionId})`;
    throw new FcError('FunctionNotFound', `function '${functionName}' does not exist in service '${serviceName}'${where}`);
  }
  return fn;
}

/** While a container function's new image prepares, the revision before it serves (seed 000 §5.6). */
export function servingRecord(fn: FunctionRecord): FunctionRecord {
  const s = fn.serving;
  if (!s || fn.acceleration.status !== 'Preparing') return fn;
  return { ...fn, config: s.config, codeChecksum: s.codeChecksum, imageDigest: s.imageDigest, revision: s.revision, acceleration: { status: 'Ready', reason: null }, serving: null };
}

/** The function a call at `versionId` runs: a version's snapshot as stored, LATEST as it serves now. */
export function runnableAt(repos: Repos, serviceName: string, versionId: string, functionName: string): FunctionRecord {
  const fn = functionAt(repos, serviceName, versionId, functionName);
  return versionId === LATEST ? servingRecord(fn) : fn;
}

/**
 * Splits an alias's calls between its version and its additional one by weight, counted rather
 * than drawn: each call goes to the version furthest below its share so far (smooth weighted
 * round robin), so 10 calls at weight 0.3 send exactly 3 to the additional version, and a test of
 * the split never fails by chance. Counters live per alias and start over when its weights change.
 */
export function createWeightedRouter() {
  const state = new Map<string, { key: string; served: Map<string, number>; total: number }>();
  return {
    pick(serviceName: string, alias: AliasRecord): string {
      const extra = Object.entries(alias.additionalVersionWeight ?? {}).filter(([, w]) => w > 0);
      if (extra.length === 0) return alias.versionId;
      const weights = new Map<string, number>(extra);
      const rest = 1 - extra.reduce((sum, [, w]) => sum + w, 0);
      weights.set(alias.versionId, (weights.get(alias.versionId) ?? 0) + Math.max(0, rest));
      const id = `${serviceName}/${alias.aliasName}`;
      const key = `${alias.versionId}|${JSON.stringify(extra)}`;
      let s = state.get(id);
      if (!s || s.key !== key) state.set(id, (s = { key, served: new Map(), total: 0 }));
      s.total++;
      let best = alias.versionId;
      let bestDeficit = -Infinity;
      for (const [v, w] of weights) {
        const deficit = w * s.total - (s.served.get(v) ?? 0);
        if (deficit > bestDeficit + 1e-9) {
          best = v;
          bestDeficit = deficit;
        }
      }
      s.served.set(best, (s.served.get(best) ?? 0) + 1);
      return best;
    },
  };
}
export type WeightedRouter = ReturnType<typeof createWeightedRouter>;
