import { createHash } from 'node:crypto';
import { FcError } from '../errors.ts';
import { CodeError, type CodeStore } from '../code/index.ts';
import type { LayerRepo, LayerVersionRecord } from '../store/index.ts';
import { layerArnV1, layerArnV2, parseLayerArn, publishLayerBody, layerName as layerNameSchema } from '../../shared/layer-config.ts';
import type { FunctionLayer } from '../../shared/function-config.ts';
import { describeZodError } from '../../shared/function-config.ts';
import { decodeZip, isoNow, newEtag, parseBody } from './function-ops.ts';

/**
 * The owner part of FC's older layer ARN (`<owner>#<name>#<n>`). FC prints 32 hex digits there and
 * documents nothing more; an MD5 of the account id has that shape and is stable, which is all a
 * client can rely on.
 */
export const layerOwner = (accountId: string) => createHash('md5').update(accountId).digest('hex');

/** Both ARNs of a layer version that a function holds (stored as the current, `acs:fc:` one). */
export function functionLayerArns(layers: FunctionLayer[] | undefined) {
  const v1 = (arn: string) => {
    const m = /^acs:fc:[^:]*:([^:]*):layers\/([^/]+)\/versions\/(\d+)$/.exec(arn);
    return m ? layerArnV1(layerOwner(m[1]), m[2], Number(m[3])) : arn;
  };
  return { layers: (layers ?? []).map((l) => v1(l.arn)), layersArnV2: (layers ?? []).map((l) => l.arn) };
}

/** Publishing, reading and deleting layer versions, and checking the ones a function names. */
export function createLayerCatalog(deps: { repo: LayerRepo; code: CodeStore; region: string; accountId: string }) {
  const { repo, code, region, accountId } = deps;
  const own = { region, accountId, owner: layerOwner(accountId) };

  function checkedName(name: string): string {
    const r = layerNameSchema.safeParse(name);
    if (!r.success) throw new FcError('InvalidArgument', `layerName: ${describeZodError(r.error).replace(/^body: /, '')}`);
    return name;
  }

  function requireVersion(name: string, version: number): LayerVersionRecord {
    const found = repo.getLayerVersion(name, version);
    if (found) return found;
    if (repo.listLayerVersions(name).length === 0) throw new FcError('LayerNotFound', `layer '${name}' does not exist`);
    throw new FcError('LayerVersionNotFound', `version ${version} of layer '${name}' does not exist`);
  }

  return {
    checkedName,
    requireVersion,
    arnsOf: (l: LayerVersionRecord) => ({ arn: layerArnV1(own.owner, l.layerName, l.version), arnV2: layerArnV2(region, accountId, l.layerName, l.version) }),

    async publish(name: string, raw: unknown): Promise<LayerVersionRecord> {
      checkedName(name);
      const body = parseBody(publishLayerBody, raw);
      if (body.code.ossBucketName || body.code.ossObjectName) throw new FcError('InvalidArgument', 'code from OSS is not supported by fnplay: send code.zipFile');
      if (!body.code.zipFile) throw new FcError('InvalidArgument', 'code.zipFile is required: the layer\'s files as a base64 zip');
      // The same checks as a function's code (size, entries, zip-slip, CRCs); a layer has no entry point.
      const stored = await code.put(decodeZip(body.code.zipFile)).catch((err: unknown) => {
        throw err instanceof CodeError ? new FcError('InvalidArgument', `code.zipFile: ${err.message}`) : err;
      });
      return repo.publishLayerVersion({
        layerName: name, description: body.description ?? '', compatibleRuntime: body.compatibleRuntime ?? [],
        codeChecksum: stored.checksum, codeSize: stored.size, createTime: isoNow(), etag: newEtag(),
      });
    },

    /** An ARN as FC's GetLayerVersionByArn takes it (either spelling), read. */
    byArn(arn: string): LayerVersionRecord {
      const ref = parseLayerArn(arn, own);
      if (typeof ref === 'string') throw new FcError('InvalidArgument', ref);
      return requireVersion(ref.layerName, ref.version);
    },

    /**
     * The layers a function's `layers` names, in order, each checked to exist. A version the
     * function already uses (`kept`) stays usable after it is deleted, as on FC; a new one must exist.
     */
    resolve(arns: string[], kept: FunctionLayer[]): FunctionLayer[] {
      const seen = new Set<string>();
      return arns.map((arn, i) => {
        const ref = parseLayerArn(arn, own);
        if (typeof ref === 'string') throw new FcError('InvalidArgument', `layers[${i}]: ${ref}`);
        const v2 = layerArnV2(region, accountId, ref.layerName, ref.version);
        if (seen.has(v2)) throw new FcError('InvalidArgument', `layers[${i}]: layer '${ref.layerName}' version ${ref.version} is named twice`);
        seen.add(v2);
        const still = kept.find((l) => l.arn === v2);
        if (still) return still;
        const l = requireVersion(ref.layerName, ref.version);
        return { arn: v2, codeChecksum: l.codeChecksum, codeSize: l.codeSize };
      });
    },
  };
}
export type LayerCatalog = ReturnType<typeof createLayerCatalog>;
