import { FcError } from '../errors.ts';
import type { EffectiveAsyncConfig } from '../invocations/async-queue.ts';
import type { Store } from '../store/index.ts';
import { ASYNC_DEFAULTS } from '../../shared/async-invocation.ts';
import { functionAt, LATEST, qualify, readVersionOf } from './qualifiers.ts';

// Where an async invocation's outcome goes (FC2-API §5.4): another function of this account,
// named by its ARN. Destinations that are cloud services fnplay does not run are refused.

export interface FunctionTarget {
  serviceName: string;
  qualifier: string;
  functionName: string;
}

const FC_ARN = /^acs:fc:([^:]*):([^:]*):services\/([^/.]+)(?:\.([^/]+))?\/functions\/([^/]+)$/;
const CLOUD_DESTINATIONS: Record<string, string> = {
  mns: 'Simple Message Queue (MNS)',
  eventbridge: 'EventBridge',
  mq: 'ApsaraMQ for RocketMQ',
  ons: 'ApsaraMQ for RocketMQ',
  kafka: 'ApsaraMQ for Kafka',
};

export const functionArn = (region: string, accountId: string, t: FunctionTarget) =>
  `acs:fc:${region}:${accountId}:services/${t.serviceName}.${t.qualifier}/functions/${t.functionName}`;

/** The function a destination ARN names, checked: this account's region and account, a function that exists. */
export function parseDestination(store: Store, region: string, accountId: string, arn: string, field: string): FunctionTarget {
  const m = FC_ARN.exec(arn);
  if (!m) {
    const service = /^acs:([a-z-]+):/.exec(arn)?.[1];
    if (service && CLOUD_DESTINATIONS[service]) {
      throw new FcError('InvalidArgument', `${field}: '${arn}' is a ${CLOUD_DESTINATIONS[service]} destination, which needs that cloud service; fnplay delivers only to functions (acs:fc:${region}:${accountId}:services/<service>[.<qualifier>]/functions/<function>)`);
    }
    throw new FcError('InvalidArgument', `${field}: '${arn}' is not a function ARN: acs:fc:${region}:${accountId}:services/<service>[.<qualifier>]/functions/<function>`);
  }
  const [, arnRegion, arnAccount, serviceName, qualifier, functionName] = m;
  if (arnRegion !== region || arnAccount !== accountId) {
    throw new FcError('InvalidArgument', `${field}: '${arn}' names region '${arnRegion}' and account '${arnAccount}'; a destination must be a function of this account (${region}, ${accountId})`);
  }
  if (!store.resources.getService(serviceName)) throw new FcError('InvalidArgument', `${field}: service '${serviceName}' of '${arn}' does not exist`);
  let q;
  try {
    q = qualify(store, serviceName, qualifier || LATEST);
    functionAt(store, serviceName, readVersionOf(q), functionName);
  } catch (err) {
    throw new FcError('InvalidArgument', `${field}: '${arn}' cannot receive records: ${(err as Error).message}`);
  }
  return { serviceName, qualifier: q.qualifier, functionName };
}

const same = (a: FunctionTarget, b: FunctionTarget) => a.serviceName === b.serviceName && a.qualifier === b.qualifier && a.functionName === b.functionName;

/**
 * A destination that leads back to the function itself (directly, or through the destinations of
 * the functions it names) would pass records around forever: refused, naming the path.
 */
export function checkNoLoop(store: Store, region: string, accountId: string, source: FunctionTarget, first: FunctionTarget, field: string) {
  const path: FunctionTarget[] = [source];
  const seen = new Set<string>();
  const walk = (t: FunctionTarget) => {
    if (same(t, source)) {
      const names = [...path, t].map((p) => `${p.serviceName}.${p.qualifier}/${p.functionName}`).join(' → ');
      throw new FcError('InvalidArgument', `${field}: the destination makes a loop (${names}): records would be passed around forever`);
    }
    const key = `${t.serviceName}#${t.qualifier}#${t.functionName}`;
    if (seen.has(key)) return;
    seen.add(key);
    path.push(t);
    const cfg = store.asyncEvents.getConfig(t.serviceName, t.qualifier, t.functionName);
    for (const d of [cfg?.destinationConfig?.onSuccess?.destination, cfg?.destinationConfig?.onFailure?.destination]) {
      if (!d) continue;
      const m = FC_ARN.exec(d);
      if (m) walk({ serviceName: m[3], qualifier: m[4] || LATEST, functionName: m[5] });
    }
    path.pop();
  };
  walk(first);
}

/** The async config in force for a function and qualifier: its own, FC's defaults for what it leaves unset. */
export function effectiveAsyncConfig(store: Store, serviceName: string, qualifier: string, functionName: string): EffectiveAsyncConfig {
  const c = store.asyncEvents.getConfig(serviceName, qualifier, functionName);
  return {
    maxAsyncEventAgeInSeconds: c?.maxAsyncEventAgeInSeconds ?? ASYNC_DEFAULTS.maxAsyncEventAgeInSeconds,
    maxAsyncRetryAttempts: c?.maxAsyncRetryAttempts ?? ASYNC_DEFAULTS.maxAsyncRetryAttempts,
    onSuccess: c?.destinationConfig?.onSuccess?.destination ?? null,
    onFailure: c?.destinationConfig?.onFailure?.destination ?? null,
  };
}

/** Parses a destination ARN already accepted at config time (no checks: it may name a function deleted since). */
export function destinationTarget(arn: string): FunctionTarget | null {
  const m = FC_ARN.exec(arn);
  return m ? { serviceName: m[3], qualifier: m[4] || LATEST, functionName: m[5] } : null;
}
