import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';

// The react-query reads of the observe panes. The keys are shared with the invoke panel, which
// invalidates ['invocations', service, fn] after an invoke and everything after a deploy.

export const queryKeys = {
  fn: (service: string, fn: string) => ['function', service, fn] as const,
  invocations: (service: string, fn: string) => ['invocations', service, fn] as const,
  invocation: (requestId: string) => ['invocation', requestId] as const,
  logs: (service: string, fn: string, requestId: string | null) => ['logs', service, fn, requestId] as const,
  instances: (service: string, fn: string) => ['instances', service, fn] as const,
};

export function useFunctionInfo(service: string, fn: string) {
  return useQuery({ queryKey: queryKeys.fn(service, fn), queryFn: () => api.getFunction(service, fn), retry: false });
}

export function useInvocations(service: string, fn: string) {
  return useQuery({ queryKey: queryKeys.invocations(service, fn), queryFn: () => api.invocations(service, fn).then((r) => r.invocations) });
}

/** One stored record; records never change once written, so it is fetched once. */
export function useInvocation(requestId: string | null) {
  return useQuery({
    queryKey: queryKeys.invocation(requestId ?? ''),
    queryFn: () => api.invocation(requestId!),
    enabled: requestId !== null,
    staleTime: Infinity,
  });
}

/** Lines stored before the page connected (the live stream only carries what comes after). */
export function useLogHistory(service: string, fn: string, requestId: string | null, enabled = true) {
  return useQuery({
    queryKey: queryKeys.logs(service, fn, requestId),
    enabled,
    queryFn: () => api.logs({ service, function: fn, requestId: requestId ?? undefined, limit: 500 }).then((r) => r.lines),
    staleTime: Infinity,
  });
}
