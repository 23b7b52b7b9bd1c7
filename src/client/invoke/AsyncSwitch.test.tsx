import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useWorkspace } from '../workspace/store.ts';
import { useQualifier } from '../releases/qualifier.ts';
import { ResultView } from '../observe/ResultView.tsx';
import { fcError } from '../mocks/handlers.ts';
import { makeAlias } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { InvokePanel } from './InvokePanel.tsx';

const server = useMockApi();

function acceptAsync(seen: { url: string; headers: Record<string, string>; body: string }[]) {
  server.use(
    http.put('/api/deploy', () => HttpResponse.json({ functionName: 'hello', accelerationInfo: { status: 'Ready' } })),
    http.post('/api/fc/services/:s/functions/:f/invocations', async ({ request }) => {
      seen.push({ url: new URL(request.url).pathname, headers: Object.fromEntries(request.headers), body: await request.text() });
      const id = request.headers.get('x-fc-stateful-async-invocation-id');
      return new HttpResponse(null, { status: 202, headers: { 'x-fc-request-id': 'req-queued-1', ...(id ? { 'x-fc-stateful-async-invocation-id': id } : {}) } });
    }),
  );
}

describe('Async switch beside Invoke', () => {
  it('queues the payload through FC with x-fc-invocation-type: Async and shows the 202 and its request id', async () => {
    const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
    acceptAsync(seen);
    useWorkspace.getState().setPayload('{"n":1}');
    renderWithQuery(
      <>
        <InvokePanel />
        <ResultView />
      </>,
    );
    await userEvent.click(screen.getByRole('switch', { name: 'Async' }));
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    const accepted = await screen.findByRole('status', { name: 'Async invoke accepted' });
    expect(accepted).toHaveTextContent('202 Accepted');
    expect(accepted).toHaveTextContent('req-queued-1');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ url: '/api/fc/services/playground/functions/hello/invocations', body: '{"n":1}' });
    expect(seen[0]!.headers['x-fc-invocation-type']).toBe('Async');
    expect(seen[0]!.headers['x-fc-stateful-async-invocation-id']).toBeUndefined();
  });

  it('sends the invocation id that makes it stateful, through the picked qualifier, and shows it', async () => {
    const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
    acceptAsync(seen);
    server.use(http.get('/api/fc/services/playground/aliases', () => HttpResponse.json({ aliases: [makeAlias({ aliasName: 'prod' })] })));
    useQualifier.setState({ qualifier: 'prod' });
    renderWithQuery(
      <>
        <InvokePanel />
        <ResultView />
      </>,
    );
    expect(screen.queryByRole('textbox', { name: /Invocation ID/ })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('switch', { name: 'Async' }));
    await userEvent.type(screen.getByRole('textbox', { name: /Invocation ID/ }), 'order-42');
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    const accepted = await screen.findByRole('status', { name: 'Async invoke accepted' });
    expect(within(accepted).getByText('order-42')).toBeInTheDocument();
    expect(accepted).toHaveTextContent('at prod');
    expect(seen[0]!.url).toBe('/api/fc/services/playground.prod/functions/hello/invocations');
    expect(seen[0]!.headers['x-fc-stateful-async-invocation-id']).toBe('order-42');
  });

  it("shows FC's refusal of a duplicate invocation id under Invoke", async () => {
    server.use(
      http.put('/api/deploy', () => HttpResponse.json({ functionName: 'hello', accelerationInfo: { status: 'Ready' } })),
      http.post('/api/fc/services/:s/functions/:f/invocations', () => fcError(409, 'StatefulAsyncInvocationAlreadyExists', "async invocation 'order-1' of function 'hello' already exists")),
    );
    renderWithQuery(<InvokePanel />);
    await userEvent.click(screen.getByRole('switch', { name: 'Async' }));
    await userEvent.type(screen.getByRole('textbox', { name: /Invocation ID/ }), 'order-1');
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('StatefulAsyncInvocationAlreadyExists');
  });

  it('is off and says why for an HTTP function, which invokes synchronously', async () => {
    useWorkspace.getState().setManifest({ functionType: 'http' });
    renderWithQuery(<InvokePanel />);
    const sw = screen.getByRole('switch', { name: 'Async' });
    expect(sw).toBeDisabled();
    expect(sw).not.toBeChecked();
    expect(sw.closest('label')).toHaveAttribute('title', expect.stringMatching(/FC queues only event functions/));
  });
});
