import type { Alias, AliasBody, AliasList, LayerList, LayerVersion, LayerVersionList, ProvisionConfig, PublishLayerBody, TimerList, TimerTriggerBody, Version, VersionList } from '../../shared/releases-api.ts';
import { call } from './client.ts';

// FC 2.0's own routes, which the service also serves unsigned under /api/fc for the page.
const json = (method: string, body: unknown): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const seg = encodeURIComponent;

export const releasesApi = {
  versions: (s: string) => call<VersionList>(`/fc/services/${seg(s)}/versions?limit=100`),
  publishVersion: (s: string, description: string) => call<Version>(`/fc/services/${seg(s)}/versions`, json('POST', { description })),
  deleteVersion: (s: string, versionId: string) => call<null>(`/fc/services/${seg(s)}/versions/${seg(versionId)}`, { method: 'DELETE' }),

  aliases: (s: string) => call<AliasList>(`/fc/services/${seg(s)}/aliases?limit=100`),
  createAlias: (s: string, body: AliasBody) => call<Alias>(`/fc/services/${seg(s)}/aliases`, json('POST', body)),
  updateAlias: (s: string, name: string, body: AliasBody) => call<Alias>(`/fc/services/${seg(s)}/aliases/${seg(name)}`, json('PUT', body)),
  deleteAlias: (s: string, name: string) => call<null>(`/fc/services/${seg(s)}/aliases/${seg(name)}`, { method: 'DELETE' }),

  provision: (s: string, qualifier: string, f: string) => call<ProvisionConfig>(`/fc/services/${seg(s)}.${seg(qualifier)}/functions/${seg(f)}/provision-config`),
  putProvision: (s: string, qualifier: string, f: string, target: number) =>
    call<ProvisionConfig>(`/fc/services/${seg(s)}.${seg(qualifier)}/functions/${seg(f)}/provision-config`, json('PUT', { target })),

  layers: () => call<LayerList>('/fc/layers?limit=100'),
  layerVersions: (name: string) => call<LayerVersionList>(`/fc/layers/${seg(name)}/versions?limit=100`),
  publishLayer: (name: string, body: PublishLayerBody) => call<LayerVersion>(`/fc/layers/${seg(name)}/versions`, json('POST', body)),

  timers: (s: string, f: string) => call<TimerList>(`/functions/${seg(s)}/${seg(f)}/timers`),
  createTrigger: (s: string, f: string, body: TimerTriggerBody) => call<unknown>(`/fc/services/${seg(s)}/functions/${seg(f)}/triggers`, json('POST', body)),
  updateTrigger: (s: string, f: string, name: string, body: TimerTriggerBody) => call<unknown>(`/fc/services/${seg(s)}/functions/${seg(f)}/triggers/${seg(name)}`, json('PUT', body)),
  deleteTrigger: (s: string, f: string, name: string) => call<null>(`/fc/services/${seg(s)}/functions/${seg(f)}/triggers/${seg(name)}`, { method: 'DELETE' }),
};
