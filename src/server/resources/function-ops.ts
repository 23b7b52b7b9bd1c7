import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { FcError } from '../errors.ts';
import { CodeError, crc64, type CodeStore, type PrepareCheck } from '../code/index.ts';
import { parseReference } from '../images/index.ts';
import type { ImagePreparation } from './image-preparation.ts';
import type { LayerCatalog } from './layers.ts';
import type { FunctionRecord, ResourceRepo, ServiceRecord } from '../store/index.ts';
import type { LiveHub } from '../logs/index.ts';
import { recipeFor } from '../runtimes/index.ts';
import {
  createFunctionBody, describeZodError, FUNCTION_DEFAULTS, isContainerRuntime, updateFunctionBody,
  type CustomContainerConfig, type FunctionConfig, type Runtime, type UpdateFunctionBody,
} from '../../shared/function-config.ts';

/** The build step of the function's runtime, if it has one (a runtime fnplay does not run has none). */
function buildOf(config: FunctionConfig) {
  try {
    return recipeFor(config).build;
  } catch {
    return undefined;
  }
}

export const newEtag = () => randomUUID().replace(/-/g, '');
export const isoNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new FcError('InvalidArgument', describeZodError(r.error));
  return r.data;
}

/** Checks an `If-Match` header against the resource's current ETag (FC2-API §4). */
export function checkIfMatch(ifMatch: string | undefined, etag: string) {
  if (ifMatch && ifMatch !== etag) throw new FcError('PreconditionFailed', 'the resource being modified has been changed');
}

/** Fills FC's defaults in; `prev` supplies what a partial update leaves out. */
function mergeConfig(body: UpdateFunctionBody & { functionName: string }, prev: FunctionConfig | null): FunctionConfig {
  const pick = <K extends keyof FunctionConfig>(k: K, fallback: FunctionConfig[K]): FunctionConfig[K] =>
    (body[k as keyof typeof body] as FunctionConfig[K] | undefined) ?? (prev ? prev[k] : fallback);
  const lc = body.instanceLifecycleConfig;
  const prevLc = prev?.instanceLifecycleConfig;
  const hook = (h: { handler?: string; timeout?: number } | undefined, p: { handler: string; timeout: number } | undefined) => ({
    handler: h?.handler ?? p?.handler ?? '',
    timeout: h?.timeout ?? p?.timeout ?? 3,
  });
  const crc = body.customRuntimeConfig;
  return {
    functionName: body.functionName,
    description: pick('description', FUNCTION_DEFAULTS.description),
    runtime: pick('runtime', 'nodejs20' as Runtime),
    handler: pick('handler', 'index.handler'),
    memorySize: pick('memorySize', FUNCTION_DEFAULTS.memorySize),
    timeout: pick('timeout', FUNCTION_DEFAULTS.timeout),
    initializer: pick('initializer', FUNCTION_DEFAULTS.initializer),
    initializationTimeout: pick('initializationTimeout', FUNCTION_DEFAULTS.initializationTimeout),
    instanceConcurrency: pick('instanceConcurrency', FUNCTION_DEFAULTS.instanceConcurrency),
    instanceLifecycleConfig: lc
      ? { preFreeze: hook(lc.preFreeze, lc.preFreeze ? undefined : prevLc?.preFreeze), preStop: hook(lc.preStop, lc.preStop ? undefined : prevLc?.preStop) }
      : prevLc ?? { preFreeze: { handler: '', timeout: 3 }, preStop: { handler: '', timeout: 3 } },
    // FC keeps omitted variables on update, and `{}` clears them (FC2-API §4).
    environmentVariables: body.environmentVariables ?? prev?.environmentVariables ?? {},
    customRuntimeConfig: crc ? { command: crc.command ?? [], args: crc.args ?? [] } : prev?.customRuntimeConfig ?? null,
    customContainerConfig: containerConfig(body, prev),
    caPort: pick('caPort', FUNCTION_DEFAULTS.caPort),
  };
}

/** A custom-container function's image settings: the update's fields over the ones stored (FC keeps what an update omits). */
function containerConfig(body: UpdateFunctionBody & { functionName: string }, prev: FunctionConfig | null): CustomContainerConfig | null {
  const runtime = body.runtime ?? prev?.runtime;
  if (!runtime || !isContainerRuntime(runtime)) return null;
  const b = body.customContainerConfig;
  const p = prev?.customContainerConfig;
  const image = b?.image ?? p?.image;
  if (!image) throw new FcError('InvalidArgument', 'customContainerConfig.image is required for runtime custom-container: the image to run (registry/namespace/name:tag)');
  // A malformed reference says why (the image store's rules, as Docker's)
  parseReference(image);
  return {
    image,
    command: b?.command ?? p?.command ?? '',
    args: b?.args ?? p?.args ?? '',
    accelerationType: b?.accelerationType ?? p?.accelerationType ?? 'Default',
    instanceID: b?.instanceID ?? p?.instanceID ?? '',
    webServerMode: b?.webServerMode ?? p?.webServerMode ?? true,
  };
}

/** What the merged settings cannot do together, whichever fields the request changed. */
function checkCombination(config: FunctionConfig) {
  if (config.customContainerConfig?.webServerMode === false && config.instanceConcurrency > 1) {
    throw new FcError('InvalidArgument', `instanceConcurrency must be 1 when customContainerConfig.webServerMode is false: such a container runs one event per instance, got ${config.instanceConcurrency}`);
  }
}

/** A container function has no zip: its checksum stands for its image reference (keys preparations and x-fc-code-checksum). */
const imageChecksum = (image: string) => crc64(Buffer.from(`image:${image}`)).toString();

export function decodeZip(zipFile: string): Buffer {
  // Node's base64 decoder skips bad characters silently; a strict check keeps garbage from passing as code.
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(zipFile)) throw new FcError('InvalidArgument', 'code.zipFile must be a base64-encoded zip file');
  return Buffer.from(zipFile, 'base64');
}

export function createFunctionOps(deps: { repo: ResourceRepo; code: CodeStore; hub: LiveHub; images: ImagePreparation; layers: LayerCatalog; onChanged: (service: string, fn: string, revision: number) => void }) {
  const { repo, code } = deps;

  /**
   * The merged config with its layers: the body's, each checked to exist (nothing is written
   * before this), else the ones it had. FC runs no layers on a custom container: its image is the
   * whole file system, so the files belong in the image.
   */
  function withLayers(config: FunctionConfig, body: UpdateFunctionBody, prev: FunctionConfig | null): FunctionConfig {
    const layers = body.layers ? deps.layers.resolve(body.layers, prev?.layers ?? []) : prev?.layers ?? [];
    if (layers.length > 0 && isContainerRuntime(config.runtime)) {
      throw new FcError('InvalidArgument', `layers: a custom-container function cannot use layers (Function Compute does not support them there: put the files in the image)${body.layers ? '' : '; send layers: [] to remove the ones it has'}`);
    }
    return { ...config, layers };
  }

  /** Stores the body's code, if any; `check` is the config it will run under, for what the zip alone proves cannot start. */
  async function storeCode(body: UpdateFunctionBody, check: PrepareCheck) {
    const c = body.code;
    if (!c) return null;
    if (c.ossBucketName || c.ossObjectName) throw new FcError('InvalidArgument', 'code from OSS is not supported by fnplay: send code.zipFile');
    if (!c.zipFile) throw new FcError('InvalidArgument', 'code.zipFile is required');
    return codeError(() => code.put(decodeZip(c.zipFile!), check), 'code.zipFile');
  }
  /** CodeErrors are the user's code breaking a rule: InvalidArgument, naming the field that brought it. */
  async function codeError<T>(run: () => Promise<T>, field: string): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof CodeError) throw new FcError('InvalidArgument', `${field}: ${err.message}`);
      throw err;
    }
  }
  const checkOf = (runtime: string, handler: string, command: string[] | undefined): PrepareCheck => ({ runtime, handler, customCommand: command?.length ? command : undefined });

  /** Preparation runs after the answer: the status goes Preparing → Ready/Failed and is pushed live. */
  function prepare(fn: FunctionRecord) {
    if (isContainerRuntime(fn.config.runtime)) return deps.images.prepare(fn);
    const { serviceName } = fn;
    const { functionName, runtime, handler, customRuntimeConfig } = fn.config;
    void code
      .prepare(fn.codeChecksum, { runtime, handler, customCommand: customRuntimeConfig?.command.length ? customRuntimeConfig.command : undefined })
      .then(async (p) => {
        // Code the runtime builds (Go source) is Ready once built: the compiler's lines are the reason otherwise.
        const build = p.status === 'Ready' ? buildOf(fn.config) : undefined;
        if (p.status === 'Ready' && build?.needed(p.dir)) {
          await code.derive(fn.codeChecksum, build.key, (out) => build.run(p.dir, out, code.cacheDir(build.key.split('-')[0])));
        }
        return p;
      })
      .then((p) => (p.status === 'Ready' ? { status: 'Ready' as const, reason: null } : { status: 'Failed' as const, reason: p.reason }))
      .catch((err: Error) => ({ status: 'Failed' as const, reason: err.message }))
      .then((r) => {
        if (repo.setAcceleration(serviceName, functionName, fn.codeChecksum, r.status, r.reason)) {
          deps.hub.publish({ type: 'acceleration', serviceName, functionName, codeChecksum: fn.codeChecksum, status: r.status, reason: r.reason });
        }
      })
      // The service closed (its store with it) while this was preparing: the next start resumes
      // every function still Preparing, so nothing is lost by dropping the result here.
      .catch(() => {});
  }

  /**
   * A custom-container function's update: a new image (or acceleration setting) starts a new
   * preparation, and the revision that served until now keeps serving until it is Ready (seed 000
   * §5.6); any other change keeps the prepared image and takes effect at once.
   */
  function updateContainer(before: FunctionRecord, body: UpdateFunctionBody, ifMatch?: string): FunctionRecord {
    if (body.code) throw new FcError('InvalidArgument', 'code: a custom-container function runs its image (customContainerConfig.image) and takes no code');
    const prev = before;
    const config = withLayers(mergeConfig({ ...body, functionName: prev.config.functionName }, prev.config), body, prev.config);
    checkCombination(config);
    const wasContainer = isContainerRuntime(prev.config.runtime);
    const pc = prev.config.customContainerConfig;
    const cc = config.customContainerConfig!;
    const newImage = !wasContainer || !pc || pc.image !== cc.image || pc.accelerationType !== cc.accelerationType || (prev.acceleration.status === 'Failed');
    // What serves meanwhile: the revision before, if it was a ready image (or what already served it).
    const servingBefore = prev.acceleration.status === 'Ready' && wasContainer && prev.imageDigest
      ? { config: prev.config, codeChecksum: prev.codeChecksum, imageDigest: prev.imageDigest, revision: prev.revision }
      : prev.serving;
    const fn: FunctionRecord = {
      ...prev, config, codeChecksum: imageChecksum(cc.image), codeSize: 0,
      acceleration: newImage ? preparing() : prev.acceleration,
      imageDigest: newImage ? null : prev.imageDigest,
      serving: newImage ? servingBefore : null,
      revision: prev.revision + 1, lastModifiedTime: isoNow(), etag: newEtag(),
    };
    checkIfMatch(ifMatch, prev.etag);
    repo.putFunction(fn);
    if (newImage) prepare(fn);
    // Instances of the serving revision stay until the new image is ready; all others go now.
    deps.onChanged(fn.serviceName, config.functionName, fn.serving?.revision ?? fn.revision);
    return fn;
  }

  // Even identical, already extracted code goes through prepare(): its entry point check depends on the handler.
  const preparing = () => ({ status: 'Preparing' as const, reason: null });

  return {
    async create(service: ServiceRecord, raw: unknown): Promise<FunctionRecord> {
      const body = parseBody(createFunctionBody, raw);
      const name = body.functionName;
      const checkFree = () => {
        if (!repo.getService(service.serviceName)) throw new FcError('ServiceNotFound', `service '${service.serviceName}' does not exist`);
        if (repo.getFunction(service.serviceName, name)) throw new FcError('FunctionAlreadyExists', `function '${name}' already exists in service '${service.serviceName}'`);
      };
      checkFree();
      const container = isContainerRuntime(body.runtime);
      if (container && body.code) throw new FcError('InvalidArgument', 'code: a custom-container function runs its image (customContainerConfig.image) and takes no code');
      if (!container && !body.code) throw new FcError('InvalidArgument', 'code is required: send code.zipFile (a base64 zip)');
      const config = withLayers(mergeConfig(body, null), body, null);
      checkCombination(config);
      const stored = container ? { checksum: imageChecksum(config.customContainerConfig!.image), size: 0 } : (await storeCode(body, checkOf(body.runtime, body.handler, body.customRuntimeConfig?.command)))!;
      // Another request may have created this function (or deleted the service) while the zip was stored:
      // check again; from here to the write there is no await, and the store is synchronous.
      checkFree();
      const now = isoNow();
      const fn: FunctionRecord = {
        serviceName: service.serviceName, functionId: randomUUID(), config, codeChecksum: stored.checksum, codeSize: stored.size,
        acceleration: preparing(), imageDigest: null, serving: null, revision: 1, createdTime: now, lastModifiedTime: now, etag: newEtag(),
      };
      repo.putFunction(fn);
      prepare(fn);
      return fn;
    },

    async update(before: FunctionRecord, raw: unknown, ifMatch?: string): Promise<FunctionRecord> {
      checkIfMatch(ifMatch, before.etag);
      const body = parseBody(updateFunctionBody, raw);
      const runtime = body.runtime ?? before.config.runtime;
      if (isContainerRuntime(runtime)) return updateContainer(before, body, ifMatch);
      const command = body.customRuntimeConfig ? body.customRuntimeConfig.command : before.config.customRuntimeConfig?.command;
      const check = checkOf(runtime, body.handler ?? before.config.handler, command);
      // A container function has no code to keep: a new runtime needs its code.
      if (isContainerRuntime(before.config.runtime) && !body.code) throw new FcError('InvalidArgument', `code is required to change a custom-container function to runtime ${runtime}: send code.zipFile (a base64 zip)`);
      const stored = await storeCode(body, check);
      // The kept code may not suit a new runtime or command (a bootstrap that is a directory).
      if (!stored && (body.runtime || body.customRuntimeConfig)) {
        await codeError(() => code.checkEntryPoint(before.codeChecksum, check), body.customRuntimeConfig ? 'customRuntimeConfig' : 'runtime');
      }
      // Merge onto the record as it is now, not as it was before the zip was stored (no await below).
      const prev = repo.getFunction(before.serviceName, before.config.functionName);
      if (!prev) throw new FcError('FunctionNotFound', `function '${before.config.functionName}' does not exist in service '${before.serviceName}'`);
      checkIfMatch(ifMatch, prev.etag);
      const config = withLayers(mergeConfig({ ...body, functionName: prev.config.functionName }, prev.config), body, prev.config);
      const checksum = stored?.checksum ?? prev.codeChecksum;
      const recheck = stored || config.handler !== prev.config.handler || config.runtime !== prev.config.runtime;
      const fn: FunctionRecord = {
        ...prev, config, codeChecksum: checksum, codeSize: stored?.size ?? prev.codeSize,
        acceleration: recheck ? preparing() : prev.acceleration, imageDigest: null, serving: null,
        revision: prev.revision + 1, lastModifiedTime: isoNow(), etag: newEtag(),
      };
      repo.putFunction(fn);
      if (recheck) prepare(fn);
      deps.onChanged(fn.serviceName, config.functionName, fn.revision);
      return fn;
    },

    /** Resumes preparations a stop interrupted. */
    resumePreparation() {
      for (const fn of repo.allFunctions()) if (fn.acceleration.status === 'Preparing') prepare(fn);
    },
  };
}
export type FunctionOps = ReturnType<typeof createFunctionOps>;
