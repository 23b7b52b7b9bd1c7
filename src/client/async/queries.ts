import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { asyncApi } from '../api/async.ts';
import { useFunctionInfo } from '../observe/queries.ts';
import type { AsyncStatus } from '../../shared/async-invocation.ts';

// The react-query reads of async invocations, the account and the service's functions.

export const asyncKeys = {
  all: (s: string, f: string) => ['async', s, f] as const,
  list: (s: string, f: string, status: AsyncStatus | '') => ['async', s, f, status] as const,
  functions: (s: string) => ['functions', s] as const,
  info: ['service-info'] as const,
};

/** Region and account: what a destination ARN names. Fetched once per page. */
export function useServiceInfo() {
  return useQuery({ queryKey: asyncKeys.info, queryFn: api.info, staleTime: Infinity, retry: false });
}

/** The current function is deployed: before that, its service and async records do not exist (a 404 the browser logs). */
export function useDeployedFunction(service: string, fn: string) {
  return !!useFunctionInfo(service, fn).data;
}

/** The service's functions (names), once the function being edited is deployed. */
export function useServiceFunctions(service: string, enabled: boolean) {
  return useQuery({
    queryKey: asyncKeys.functions(service),
    enabled,
    queryFn: () => asyncApi.functions(service).then((r) => r.functions.map((f) => f.functionName)),
  });
}

/** The function's async invocations, newest first (every qualifier, stateful or not). */
export function useAsyncInvocations(service: string, fn: string, status: AsyncStatus | '') {
  return useQuery({
    queryKey: asyncKeys.list(service, fn, status),
    enabled: useDeployedFunction(service, fn),
    queryFn: () => asyncApi.list(service, fn, { status }).then((r) => r.invocations),
  });
}
