import { describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { AsyncInvocation } from '../../shared/async-invocation.ts';
import { useLive } from '../api/live.ts';
import { useSession } from '../invoke/session.ts';
import { makeAsyncInvocation } from '../mocks/fixtures.ts';
import { fcError } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { AsyncPanel } from './AsyncPanel.tsx';

const server = useMockApi();
const LIST = '/api/fc/services/playground/functions/hello/stateful-async-invocations';
const panel = () => within(screen.getByRole('region', { name: 'Async invocations' }));
const item = (id: string) => within(panel().getByRole('listitem', { name: `Async invocation ${id}` }));

const retried = (status: AsyncInvocation['status']) =>
  makeAsyncInvocation({ requestId: 'req-a', status, alreadyRetriedTimes: 2, ...(status === 'Succeeded' ? { endTime: Date.parse('2025-01-01T10:00:04.000Z'), returnPayload: '{"ok":true}' } : {}) }, [
    { requestId: 'req-a', outcome: 'failed', error: '{"errorMessage":"boom 0"}', then: 'Retrying' },
    { requestId: 'req-a2', outcome: 'failed', error: '{"errorMessage":"boom 1"}', then: 'Retrying' },
    ...(status === 'Succeeded' ? [{ requestId: 'req-a3', instanceId: 'c-99999999-2222-3333-4444-555555555555', outcome: 'succeeded', then: 'Succeeded' as const }] : []),
  ]);

function serve(list: () => AsyncInvocation[], seen: URL[] = []) {
  server.use(http.get(LIST, ({ request }) => (seen.push(new URL(request.url)), HttpResponse.json({ invocations: list() }))));
}

describe('AsyncPanel', () => {
  it('lists each invocation with its status, attempts and age, and opens to its attempts, result and logs', async () => {
    const seen: URL[] = [];
    serve(() => [retried('Succeeded')], seen);
    renderWithQuery(<AsyncPanel />);
    const row = await waitFor(() => item('req-a'));
    expect(row.getByLabelText('Status')).toHaveTextContent('Succeeded');
    expect(row.getByLabelText('Attempts')).toHaveTextContent('3 attempts');
    expect(row.getByLabelText('Age')).toHaveTextContent('took 4.0 s');
    expect(seen[0]!.searchParams.get('includeAll')).toBe('true');

    await userEvent.click(row.getByRole('button', { name: 'Details of req-a' }));
    const attempts = within(row.getByRole('list', { name: 'Attempts of req-a' }));
    expect(attempts.getAllByRole('listitem')).toHaveLength(3);
    expect(attempts.getByRole('listitem', { name: 'Attempt 1' })).toHaveTextContent('failed');
    expect(attempts.getByRole('listitem', { name: 'Attempt 1' })).toHaveTextContent('boom 0');
    expect(attempts.getByRole('listitem', { name: 'Attempt 3' })).toHaveTextContent('succeeded');
    expect(attempts.getByRole('listitem', { name: 'Attempt 3' })).toHaveTextContent('c-99999999');
    expect(row.getByText('{"ok":true}')).toBeInTheDocument();

    // each attempt has its own request id: its logs are filtered by it, as History does
    await userEvent.click(attempts.getByRole('button', { name: 'Logs of attempt 2 of req-a' }));
    expect(useSession.getState().selectedRequestId).toBe('req-a2');
  });

  it('refetches when the live stream says an invocation of this function changed state', async () => {
    let list = [retried('Retrying')];
    serve(() => list);
    renderWithQuery(<AsyncPanel />);
    await waitFor(() => expect(item('req-a').getByLabelText('Status')).toHaveTextContent('Retrying'));
    expect(item('req-a').getByLabelText('Age')).toHaveTextContent(/^age /);
    list = [retried('Succeeded')];
    act(() => useLive.getState().apply({ type: 'async', serviceName: 'playground', functionName: 'hello', qualifier: 'LATEST', requestId: 'req-a', invocationId: 'req-a', status: 'Succeeded', attempts: 3 }));
    await waitFor(() => expect(item('req-a').getByLabelText('Status')).toHaveTextContent('Succeeded'));
    expect(item('req-a').getByLabelText('Attempts')).toHaveTextContent('3 attempts');
  });

  it("stops a waiting stateful invocation, and shows FC's refusal when it has ended meanwhile", async () => {
    let list = [makeAsyncInvocation({ requestId: 'r-1', invocationId: 'order-1', stateful: true }), makeAsyncInvocation({ requestId: 'r-2', invocationId: 'order-2', stateful: true }), makeAsyncInvocation({ requestId: 'r-3' })];
    const stops: string[] = [];
    serve(() => list);
    server.use(
      http.put(`${LIST}/:id`, ({ params }) => {
        stops.push(String(params.id));
        if (params.id === 'order-2') return fcError(412, 'AsyncInvocationStopped', "async invocation 'order-2' has ended already (Succeeded): nothing to stop");
        list = list.map((x) => (x.invocationId === params.id ? { ...x, status: 'Stopped', endTime: x.startedTime + 500 } : x));
        return HttpResponse.json({});
      }),
    );
    renderWithQuery(<AsyncPanel />);
    await waitFor(() => item('order-1'));
    // not stateful: nothing to stop it by
    expect(item('r-3').queryByRole('button', { name: /^Stop/ })).not.toBeInTheDocument();
    await userEvent.click(item('order-1').getByRole('button', { name: 'Stop order-1' }));
    await waitFor(() => expect(item('order-1').getByLabelText('Status')).toHaveTextContent('Stopped'));
    expect(item('order-1').queryByRole('button', { name: 'Stop order-1' })).not.toBeInTheDocument();
    await userEvent.click(item('order-2').getByRole('button', { name: 'Stop order-2' }));
    expect(await item('order-2').findByRole('alert')).toHaveTextContent('AsyncInvocationStopped async invocation \'order-2\' has ended already');
    expect(stops).toEqual(['order-1', 'order-2']);
  });

  it('filters by status on the service and searches by invocation or any attempt request id', async () => {
    const seen: URL[] = [];
    serve(() => [retried('Succeeded'), makeAsyncInvocation({ requestId: 'req-b', status: 'Failed' })], seen);
    renderWithQuery(<AsyncPanel />);
    await waitFor(() => expect(panel().getAllByRole('listitem', { name: /^Async invocation/ })).toHaveLength(2));
    await userEvent.type(panel().getByRole('searchbox', { name: 'Search by invocation or request ID' }), 'req-a3');
    expect(panel().getAllByRole('listitem', { name: /^Async invocation/ }).map((li) => li.getAttribute('aria-label'))).toEqual(['Async invocation req-a']);
    await userEvent.clear(panel().getByRole('searchbox', { name: 'Search by invocation or request ID' }));
    await userEvent.selectOptions(panel().getByRole('combobox', { name: 'Filter by status' }), 'Failed');
    await waitFor(() => expect(seen.at(-1)!.searchParams.get('status')).toBe('Failed'));
  });
});
