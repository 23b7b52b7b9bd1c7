import { useEffect, useMemo } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useLive } from '../api/live.ts';
import { useQualifier } from '../releases/qualifier.ts';
import { queryKeys, useInvocations } from './queries.ts';

/**
 * The current function's stored invocations (newest first), refetched when one finishes anywhere
 * (async, HTTP trigger, timer), and those made through `qualifier` (the picked one by default).
 */
export function useQualifiedInvocations(service: string, fn: string, qualifier?: string) {
  const picked = useQualifier((s) => s.qualifier);
  const q = qualifier ?? picked;
  const invocations = useInvocations(service, fn);
  const queryClient = useQueryClient();
  // Async, HTTP-trigger and timer invocations finish without this page asking: the live event says when.
  const last = useLive((s) => s.lastInvocation);
  const lastHere = last && last.serviceName === service && last.functionName === fn ? last.requestId : null;
  useEffect(() => {
    if (lastHere) void queryClient.invalidateQueries({ queryKey: queryKeys.invocations(service, fn) });
  }, [lastHere, queryClient, service, fn]);
  const records = useMemo(() => (invocations.data ?? []).filter((r) => (r.qualifier || 'LATEST') === q), [invocations.data, q]);
  return { invocations, records, qualifier: q };
}
