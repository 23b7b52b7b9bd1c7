// FC 2.0's reply shapes for versions, aliases, provision configs, layers and timer triggers
// (FC2-API §5, §5.1, §5.5): what the service answers and the playground reads.

export const LATEST = 'LATEST';

/** PublishServiceVersion's reply and one item of ListServiceVersions. */
export interface Version {
  /** a decimal string from "1", never reused */
  versionId: string;
  description: string;
  createdTime: string;
  lastModifiedTime: string;
}

export interface VersionList {
  versions: Version[];
  nextToken?: string | null;
  direction?: 'FORWARD' | 'BACKWARD';
}

/** An alias: a name for one version, plus at most one more version taking a share of the calls. */
export interface Alias {
  aliasName: string;
  versionId: string;
  description: string;
  /** version id → weight in 0–1: the share of the alias's calls that version serves */
  additionalVersionWeight: Record<string, number>;
  createdTime: string;
  lastModifiedTime: string;
}

export interface AliasList {
  aliases: Alias[];
  nextToken?: string | null;
}

/** The body of CreateAlias / UpdateAlias. */
export interface AliasBody {
  aliasName?: string;
  versionId: string;
  description: string;
  additionalVersionWeight: Record<string, number>;
}

/** GetProvisionConfig's reply: `current` is how many of the `target` instances are ready. */
export interface ProvisionConfig {
  /** `{accountId}#{service}#{qualifier}#{function}` */
  resource: string;
  target: number;
  current?: number;
  currentError?: string;
  alwaysAllocateCPU?: boolean;
}

/** One version of a layer, as PublishLayerVersion, GetLayerVersion and the lists answer. */
export interface LayerVersion {
  layerName: string;
  version: number;
  description: string;
  /** FC's older spelling of the ARN (`<owner>#<name>#<n>`) */
  arn: string;
  /** the ARN as FC writes it now, and what the playground attaches: `acs:fc:<region>:<account>:layers/<name>/versions/<n>` */
  arnV2?: string;
  compatibleRuntime: string[];
  codeSize?: number;
  codeChecksum?: string;
  createTime?: string;
}

export interface LayerList {
  layers: LayerVersion[];
  nextToken?: string | null;
}

export interface LayerVersionList {
  layers: LayerVersion[];
  nextToken?: string | null;
}

/** The body of PublishLayerVersion. */
export interface PublishLayerBody {
  description: string;
  code: { zipFile: string };
  compatibleRuntime: string[];
}

/** A timer trigger's config (FC's `triggerConfig` of `triggerType: timer`). */
export interface TimerTriggerConfig {
  /** `@every 5m` or a six-field cron expression (seconds first) */
  cronExpression: string;
  payload: string;
  enable: boolean;
}

/** The body of CreateTrigger / UpdateTrigger for a timer. */
export interface TimerTriggerBody {
  triggerName?: string;
  triggerType: 'timer';
  triggerConfig: TimerTriggerConfig;
  qualifier: string;
}

/** The timer list the playground reads lives with the trigger schemas. */
export type { TimerInfo, TimerList } from './trigger-config.ts';

/**
 * The versions a qualifier's calls run: LATEST and a version are themselves, an alias its main
 * version and its additional one.
 */
export function versionsOf(qualifier: string, aliases: readonly Alias[]): string[] {
  const alias = aliases.find((a) => a.aliasName === qualifier);
  if (!alias) return [qualifier];
  return [alias.versionId, ...Object.keys(alias.additionalVersionWeight ?? {})];
}
