import { useCallback } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client.ts';
import { queryKeys } from '../observe/queries.ts';
import { deployRequestOf } from '../workspace/deploy-request.ts';
import { useWorkspace } from '../workspace/store.ts';
import { filesToZip, toBase64 } from '../workspace/zip.ts';
import { useDeployedSnapshot } from '../editor/deployed-snapshot.ts';
import { describeManifestErrors, validateManifest } from '../manifest/validate-manifest.ts';
import { isContainerRuntime } from '../../shared/function-config.ts';
import { fingerprintCode, fingerprintManifest } from './fingerprint.ts';
import { useSession, type ActionError } from './session.ts';
import { waitForBuild } from './wait-for-build.ts';
import { serviceAt, useQualifier } from '../releases/qualifier.ts';
import { asyncApi } from '../api/async.ts';
import { applyAsyncConfig } from './apply-async-config.ts';
import { useAsyncSwitch } from './async-switch.ts';

const BUILD_FAILED = "the function's code failed to build, so it cannot run: the compiler's output is in Build output, under the editor";

/** FC puts the field first in InvalidArgument messages (`memorySize: must be …`): point the form at it. */
function toActionError(action: ActionError['action'], err: unknown): ActionError {
  if (err instanceof ApiError) {
    const field = err.code === 'InvalidArgument' ? /^([A-Za-z][\w.]*): /.exec(err.message)?.[1] : undefined;
    return { action, code: err.code, message: err.message, field };
  }
  return { action, code: 'NetworkError', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Deploy sends what changed (code, manifest, or both); Invoke deploys first when anything changed,
 * then invokes. Errors land in the session next to the action (and field) that caused them.
 */
export function useDeployInvoke() {
  const queryClient = useQueryClient();
  const session = useSession();

  const deploy = useCallback(async (): Promise<boolean> => {
    const ws = useWorkspace.getState();
    // A custom-container function runs its image: the editor's files (a README, a Dockerfile) are not deployed.
    const container = isContainerRuntime(ws.manifest.runtime);
    const code = container ? 'image' : fingerprintCode(ws.files, ws.folders);
    const manifest = fingerprintManifest(ws.manifest);
    if (ws.deployed && ws.deployed.code === code && ws.deployed.manifest === manifest) return true;
    // The same schemas the service applies: an invalid manifest is refused here, before any request.
    const invalid = validateManifest(ws.manifest);
    if (Object.keys(invalid).length > 0) {
      useSession.getState().set({ error: { action: 'deploy', code: 'InvalidArgument', message: describeManifestErrors(invalid) } });
      return false;
    }
    useSession.getState().set({ phase: 'deploying', error: null });
    try {
      const exists = container || (await api.getFunction(ws.manifest.serviceName, ws.manifest.functionName)) !== null;
      const codeChanged = !container && (!exists || !ws.deployed || ws.deployed.code !== code);
      const zipFile = codeChanged ? toBase64(await filesToZip(ws.files, ws.folders)) : null;
      await api.deploy(deployRequestOf(ws.manifest, zipFile));
      try {
        await applyAsyncConfig(ws.manifest, queryClient);
      } catch (err) {
        // the function is deployed; not marked so, so that the next Deploy tries the config again
        void queryClient.invalidateQueries();
        useSession.getState().set({ phase: 'idle', error: { ...toActionError('deploy', err), detail: 'the function was deployed; its async config was not applied' } });
        return false;
      }
      useWorkspace.getState().markDeployed({ code, manifest });
      useDeployedSnapshot.getState().remember(Object.fromEntries(Object.entries(ws.files).map(([p, f]) => [p, f.content])));
      void queryClient.invalidateQueries();
      useSession.getState().set({ phase: 'idle' });
      return true;
    } catch (err) {
      useSession.getState().set({ phase: 'idle', error: toActionError('deploy', err) });
      return false;
    }
  }, [queryClient]);

  const invoke = useCallback(async () => {
    if (useSession.getState().phase !== 'idle') return;
    if (!(await deploy())) return;
    const ws = useWorkspace.getState();
    const { serviceName, functionName, functionType } = ws.manifest;
    // the qualifier picked next to Invoke: LATEST, a version, or an alias (which splits by weight)
    const target = serviceAt(serviceName, useQualifier.getState().qualifier);
    const send = () =>
      functionType === 'http'
        ? api.invokeHttp(target, functionName, {
            method: ws.httpRequest.method,
            path: ws.httpRequest.path || '/',
            query: ws.httpRequest.query.filter(([k]) => k),
            headers: ws.httpRequest.headers.filter(([k]) => k),
            bodyBase64: btoa(unescape(encodeURIComponent(ws.httpRequest.body))),
          })
        : api.invokeEvent(target, functionName, ws.payload);
    // Code that is built (Go source) runs once built: wait here rather than be told CodeNotReady.
    const untilBuilt = async () => {
      let waited = false;
      const onWait = () => ((waited = true), useSession.getState().set({ phase: 'building' }));
      const build = await waitForBuild(serviceName, functionName, { onWait });
      // the badge and build output may have missed the end of it (an event stream that was down)
      if (waited) void queryClient.invalidateQueries({ queryKey: queryKeys.fn(serviceName, functionName) });
      // the compiler's output is in the build output, not worth repeating here
      if (build.status === 'Failed') {
        throw new ApiError(503, 'CodeNotReady', ws.manifest.runtime === 'go1' ? BUILD_FAILED : `the function's image cannot be used: ${build.reason ?? 'no reason given'}`);
      }
      useSession.getState().set({ phase: 'invoking' });
    };
    useSession.getState().set({ phase: 'invoking', error: null, selectedRequestId: null });
    const async = useAsyncSwitch.getState();
    if (async.enabled && functionType === 'event') {
      // queued: a 202 with the request id now, the function runs later (Async invocations shows it)
      try {
        const accepted = await asyncApi.invoke(target, functionName, ws.payload, async.invocationId.trim() || undefined);
        useSession.getState().set({ phase: 'idle', result: null, accepted: { ...accepted, qualifier: useQualifier.getState().qualifier } });
        void queryClient.invalidateQueries({ queryKey: ['async', serviceName, functionName] });
      } catch (err) {
        useSession.getState().set({ phase: 'idle', error: toActionError('invoke', err) });
      }
      return;
    }
    try {
      // 1. a deploy of Go source has started its build
      if (ws.manifest.runtime === 'go1') await untilBuilt();
      let result;
      try {
        result = await send();
      } catch (err) {
        // 2. a build that began after the check (a deploy from elsewhere): wait for it, then once more
        if (!(err instanceof ApiError && err.code === 'CodeNotReady')) throw err;
        await untilBuilt();
        result = await send();
      }
      useSession.getState().set({ phase: 'idle', result, accepted: null });
      void queryClient.invalidateQueries({ queryKey: ['invocations', serviceName, functionName] });
    } catch (err) {
      useSession.getState().set({ phase: 'idle', error: toActionError('invoke', err) });
    }
  }, [deploy, queryClient]);

  return { deploy, invoke, phase: session.phase, error: session.error };
}
