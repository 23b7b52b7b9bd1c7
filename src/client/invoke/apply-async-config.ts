import type { QueryClient } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import { asyncApi } from '../api/async.ts';
import { asyncKeys } from '../async/queries.ts';
import { asyncConfigBodyOf } from '../workspace/deploy-request.ts';
import type { ManifestDraft } from '../workspace/types.ts';

const hasPlaceholder = (arn: string) => arn.trim().startsWith('acs:fc:::');

/**
 * After a deploy, the function's async config at LATEST follows the draft: PUT when it has one,
 * DELETE when it has none and the function still carries one (asked through the list, which
 * answers 200 where the single GET would answer a 404 the browser logs as an error).
 */
export async function applyAsyncConfig(m: ManifestDraft, queryClient: QueryClient) {
  const { serviceName, functionName, asyncConfig } = m;
  if (asyncConfig) {
    // `acs:fc:::` (as Serverless Devs writes it) gets this account's region and id, as `s deploy` fills them
    const account = hasPlaceholder(asyncConfig.onSuccess) || hasPlaceholder(asyncConfig.onFailure)
      ? await queryClient.fetchQuery({ queryKey: asyncKeys.info, queryFn: api.info, staleTime: Infinity })
      : undefined;
    await asyncApi.putConfig(serviceName, functionName, asyncConfigBodyOf(asyncConfig, account));
    return;
  }
  const { configs } = await asyncApi.configs(serviceName, functionName);
  if (configs.some((c) => c.qualifier === 'LATEST')) await asyncApi.deleteConfig(serviceName, functionName);
}
