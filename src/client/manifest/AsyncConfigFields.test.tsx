import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useWorkspace } from '../workspace/store.ts';
import { DEFAULT_ASYNC } from '../workspace/defaults.ts';
import { InvokePanel } from '../invoke/InvokePanel.tsx';
import { fcError } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { ManifestForm } from './ManifestForm.tsx';

const server = useMockApi();
const CONFIG = '/api/fc/services/playground/functions/hello/async-invoke-config';
const group = () => within(screen.getByRole('group', { name: 'Async invocation' }));
const AUDIT = 'acs:fc:cn-hangzhou:1234567890123456:services/playground.LATEST/functions/audit';

describe('Async invocation in the manifest', () => {
  it('turns the config on with FC defaults, checks ranges with the service schema, and picks a destination among the service functions', async () => {
    server.use(http.get('/api/fc/services/playground/functions', () => HttpResponse.json({ functions: [{ functionName: 'hello' }, { functionName: 'audit' }] })));
    renderWithQuery(<ManifestForm />);
    expect(group().queryByRole('spinbutton', { name: 'Max retries' })).not.toBeInTheDocument();
    await userEvent.click(group().getByRole('checkbox', { name: 'Configure async invocation' }));
    expect(group().getByRole('spinbutton', { name: 'Max retries' })).toHaveValue(3);
    expect(group().getByRole('spinbutton', { name: 'Max age (s)' })).toHaveValue(86400);

    await userEvent.clear(group().getByRole('spinbutton', { name: 'Max retries' }));
    await userEvent.type(group().getByRole('spinbutton', { name: 'Max retries' }), '9');
    expect(group().getByRole('spinbutton', { name: 'Max retries' })).toHaveAccessibleDescription('must be at most 8');

    // the function itself is no destination (a loop); the others are offered as ARNs at LATEST
    const onSuccess = group().getByRole('combobox', { name: 'On success' });
    await waitFor(() => expect(within(onSuccess).getAllByRole('option').map((o) => o.textContent)).toEqual(['none', 'playground/audit']));
    await userEvent.selectOptions(onSuccess, 'playground/audit');
    await userEvent.click(group().getByRole('checkbox', { name: 'Stateful invocation' }));
    expect(useWorkspace.getState().manifest.asyncConfig).toEqual({ ...DEFAULT_ASYNC, maxAsyncRetryAttempts: 9, onSuccess: AUDIT, statefulInvocation: true });
  });

  it('deploy puts the config after the function, with acs:fc::: filled in; cleared, deploy deletes it', async () => {
    const calls: string[] = [];
    let configs: { qualifier: string }[] = [];
    server.use(
      http.put('/api/deploy', () => (calls.push('deploy'), HttpResponse.json({ functionName: 'hello', accelerationInfo: { status: 'Ready' } }))),
      http.put(CONFIG, async ({ request }) => {
        calls.push(`put ${JSON.stringify(await request.json())}`);
        configs = [{ qualifier: 'LATEST' }];
        return HttpResponse.json({});
      }),
      http.get(`${CONFIG}s`, () => HttpResponse.json({ configs })),
      http.delete(CONFIG, () => (calls.push('delete'), (configs = []), new HttpResponse(null, { status: 204 }))),
    );
    useWorkspace.getState().setManifest({ asyncConfig: { ...DEFAULT_ASYNC, maxAsyncRetryAttempts: 2, onFailure: 'acs:fc:::services/playground/functions/dlq' } });
    renderWithQuery(<InvokePanel />);
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1]).toBe(
      `put ${JSON.stringify({ maxAsyncRetryAttempts: 2, maxAsyncEventAgeInSeconds: 86400, destinationConfig: { onFailure: { destination: 'acs:fc:cn-hangzhou:1234567890123456:services/playground/functions/dlq' } }, statefulInvocation: false })}`,
    );
    useWorkspace.getState().setManifest({ asyncConfig: null });
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(calls).toEqual(['deploy', calls[1], 'deploy', 'delete']));
    // none left: a deploy does not delete again
    useWorkspace.getState().setManifest({ memorySize: 256 });
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(calls).toHaveLength(5));
    expect(calls[4]).toBe('deploy');
  });

  it("shows the service's refusal of the config under its field, saying the function itself was deployed", async () => {
    server.use(
      http.put('/api/deploy', () => HttpResponse.json({ functionName: 'hello', accelerationInfo: { status: 'Ready' } })),
      http.put(CONFIG, () => fcError(400, 'InvalidArgument', "destinationConfig.onSuccess.destination: 'acs:mns:cn-hangzhou:1:/queues/q' is a Simple Message Queue (MNS) destination, which needs that cloud service")),
    );
    useWorkspace.getState().setManifest({ asyncConfig: { ...DEFAULT_ASYNC, onSuccess: 'acs:mns:cn-hangzhou:1:/queues/q' } });
    renderWithQuery(
      <>
        <InvokePanel />
        <ManifestForm />
      </>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('the function was deployed; its async config was not applied');
    expect(group().getByRole('combobox', { name: 'On success' })).toHaveAccessibleDescription(/is a Simple Message Queue \(MNS\) destination/);
    expect(useWorkspace.getState().deployed).toBeNull();
  });
});
