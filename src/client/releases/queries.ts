import { useQuery } from '@tanstack/react-query';
import { releasesApi } from '../api/releases.ts';
import { useFunctionInfo } from '../observe/queries.ts';
import { useWorkspace } from '../workspace/store.ts';

// The react-query reads of versions, aliases, provision configs, layers and timers. A write
// invalidates its own key; a deploy invalidates everything.

export const releaseKeys = {
  versions: (s: string) => ['versions', s] as const,
  aliases: (s: string) => ['aliases', s] as const,
  provision: (s: string, q: string, f: string) => ['provision', s, q, f] as const,
  layers: ['layers'] as const,
  layerVersions: (name: string) => ['layers', name] as const,
  timers: (s: string, f: string) => ['timers', s, f] as const,
};

/**
 * Whether the function being edited is deployed: before that its service, versions and timers do
 * not exist, and asking would only be told so (a 404 the browser logs as an error).
 */
function useDeployed(service: string) {
  const fn = useWorkspace((s) => s.manifest.functionName);
  const info = useFunctionInfo(service, fn);
  return !!info.data;
}

/** A service not deployed yet has no versions: an empty list, not an error. */
const emptyIfMissing = <T,>(empty: T) => (err: unknown): T => {
  if ((err as { status?: number }).status === 404) return empty;
  throw err;
};

export function useVersions(service: string) {
  return useQuery({
    queryKey: releaseKeys.versions(service),
    enabled: useDeployed(service),
    queryFn: () => releasesApi.versions(service).then((r) => r.versions, emptyIfMissing([])),
  });
}

export function useAliases(service: string) {
  return useQuery({
    queryKey: releaseKeys.aliases(service),
    enabled: useDeployed(service),
    queryFn: () => releasesApi.aliases(service).then((r) => r.aliases, emptyIfMissing([])),
  });
}

export function useProvision(service: string, qualifier: string, fn: string) {
  return useQuery({
    queryKey: releaseKeys.provision(service, qualifier, fn),
    enabled: useDeployed(service),
    queryFn: () => releasesApi.provision(service, qualifier, fn).catch(emptyIfMissing(null)),
    // `current` climbs while the instances start: poll while it is short of the target
    refetchInterval: (q) => (q.state.data && (q.state.data.current ?? 0) !== q.state.data.target ? 1000 : false),
  });
}

export function useLayers() {
  return useQuery({ queryKey: releaseKeys.layers, queryFn: () => releasesApi.layers().then((r) => r.layers) });
}

export function useLayerVersions(name: string, enabled: boolean) {
  return useQuery({ queryKey: releaseKeys.layerVersions(name), queryFn: () => releasesApi.layerVersions(name).then((r) => r.layers), enabled });
}

export function useTimers(service: string, fn: string) {
  return useQuery({
    queryKey: releaseKeys.timers(service, fn),
    enabled: useDeployed(service),
    queryFn: () => releasesApi.timers(service, fn).then((r) => r.timers, emptyIfMissing([])),
  });
}
