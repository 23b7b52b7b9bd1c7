import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useWorkspace } from '../workspace/store.ts';
import { useSession } from './session.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { makeRecord } from '../mocks/fixtures.ts';
import { fcError, makeFunctionView } from '../mocks/handlers.ts';
import { useLive } from '../api/live.ts';
import { act } from '@testing-library/react';
import { InvokePanel } from './InvokePanel.tsx';

const server = useMockApi();

describe('InvokePanel', () => {
  it('deploys what changed, then invokes with the payload, and keeps the result', async () => {
    const calls: string[] = [];
    server.use(
      http.get('/api/functions/:s/:f', () => HttpResponse.json(null)),
      http.put('/api/deploy', async ({ request }) => {
        const body = (await request.json()) as { zipFile: string | null; function: { memorySize: number } };
        calls.push(`deploy zip=${body.zipFile ? 'yes' : 'no'} memory=${body.function.memorySize}`);
        return HttpResponse.json({ functionName: 'hello', accelerationInfo: { status: 'Preparing' } });
      }),
      http.post('/api/invoke/:s/:f', async ({ request }) => {
        calls.push(`invoke ${await request.text()}`);
        return HttpResponse.json({ statusCode: 200, headers: {}, bodyBase64: btoa('ok'), record: makeRecord() });
      }),
    );
    renderWithQuery(<InvokePanel />);
    await userEvent.clear(screen.getByLabelText(/Event payload/));
    await userEvent.type(screen.getByLabelText(/Event payload/), 'abc');
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    await waitFor(() => expect(useSession.getState().result?.bodyBase64).toBe(btoa('ok')));
    expect(calls).toEqual(['deploy zip=yes memory=128', 'invoke abc']);
    // Nothing changed: the second Invoke does not deploy again.
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    await waitFor(() => expect(calls).toHaveLength(3));
    expect(calls[2]).toBe('invoke abc');
  });

  it('refuses to deploy an invalid manifest and says why, next to the action', async () => {
    let deployed = false;
    server.use(http.put('/api/deploy', () => ((deployed = true), HttpResponse.json({}))));
    useWorkspace.getState().setManifest({ memorySize: 100 });
    renderWithQuery(<InvokePanel />);
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('InvalidArgument');
    expect(screen.getByRole('alert')).toHaveTextContent(/multiple of 64/);
    expect(deployed).toBe(false);
  });

  it("shows the service's ErrorCode and message when a deploy fails", async () => {
    server.use(
      http.get('/api/functions/:s/:f', () => HttpResponse.json(null)),
      http.put('/api/deploy', () => HttpResponse.json({ ErrorCode: 'InvalidArgument', ErrorMessage: 'code.zipFile: code zip entry ../x escapes the code directory' }, { status: 400 })),
    );
    renderWithQuery(<InvokePanel />);
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('escapes the code directory');
    expect(useSession.getState().error?.field).toBe('code.zipFile');
  });

  it('builds HTTP requests for HTTP functions and invokes with Ctrl+Enter', async () => {
    let sent: unknown = null;
    server.use(
      http.get('/api/functions/:s/:f', () => HttpResponse.json(null)),
      http.put('/api/deploy', () => HttpResponse.json({})),
      http.post('/api/invoke/:s/:f', async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json({ statusCode: 201, headers: {}, bodyBase64: '', record: makeRecord() });
      }),
    );
    useWorkspace.getState().setManifest({ functionType: 'http' });
    renderWithQuery(<InvokePanel />);
    await userEvent.selectOptions(screen.getByLabelText('Method'), 'PUT');
    await userEvent.clear(screen.getByLabelText('Path'));
    await userEvent.type(screen.getByLabelText('Path'), '/items');
    await userEvent.click(screen.getByRole('button', { name: 'Add header name' }));
    await userEvent.type(screen.getByLabelText('Header name'), 'x-app');
    await userEvent.type(screen.getByLabelText('Header value'), 'demo');
    await userEvent.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(sent).not.toBeNull());
    expect(sent).toMatchObject({ method: 'PUT', path: '/items', headers: [['x-app', 'demo']] });
  });

  it('shows the URL to open and a curl line, on the custom domain when one routes to the function', async () => {
    server.use(
      http.get('/api/functions/:s/:f/endpoints', () => HttpResponse.json({ proxy: 'http://127.0.0.1:7070/2016-08-15/proxy/playground/hello', customDomains: [{ domainName: 'demo.example.com', url: 'http://demo.example.com.localhost:7070' }] })),
    );
    useWorkspace.getState().setManifest({ functionType: 'http' });
    useWorkspace.getState().setHttpRequest({ method: 'GET', path: '/items', query: [['q', 'a b']], headers: [], body: '' });
    renderWithQuery(<InvokePanel />);
    const link = await screen.findByRole('link', { name: 'http://demo.example.com.localhost:7070/items?q=a%20b' });
    expect(link).toHaveAttribute('href', 'http://demo.example.com.localhost:7070/items?q=a%20b');
    expect(screen.getByText('URL (custom domain demo.example.com)')).toBeVisible();
    expect(screen.getByLabelText('curl')).toHaveTextContent(`curl -i 'http://demo.example.com.localhost:7070/items?q=a%20b'`);
    expect(screen.getByRole('button', { name: 'Copy curl' })).toBeEnabled();
  });

  describe('while Go source builds', () => {
    const goView = (accelerationInfo: { status: 'Preparing' | 'Ready' | 'Failed'; reason?: string }) => HttpResponse.json(makeFunctionView({ runtime: 'go1', handler: 'main', accelerationInfo }));
    const liveReady = () => act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '123', status: 'Ready', reason: null }));
    const answer = () => HttpResponse.json({ statusCode: 200, headers: {}, bodyBase64: btoa('"hello"'), record: makeRecord() });
    const NOT_READY = "the function's code is being prepared (built); invoke again once accelerationInfo.status is Ready";

    it('waits for the build a deploy started, showing Building…, then invokes', async () => {
      let status: 'Preparing' | 'Ready' = 'Preparing';
      const invokes: string[] = [];
      server.use(
        http.get('/api/functions/:s/:f', () => goView({ status })),
        http.put('/api/deploy', () => goView({ status: 'Preparing' })),
        http.post('/api/invoke/:s/:f', () => (invokes.push(status), status === 'Ready' ? answer() : fcError(503, 'CodeNotReady', NOT_READY))),
      );
      useWorkspace.getState().setManifest({ runtime: 'go1', handler: 'main' });
      renderWithQuery(<InvokePanel />);
      await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
      expect(await screen.findByRole('button', { name: 'Building…' })).toBeDisabled();
      expect(screen.getByRole('status')).toHaveTextContent('being built');
      expect(invokes).toEqual([]);

      status = 'Ready';
      liveReady();
      await waitFor(() => expect(useSession.getState().result?.bodyBase64).toBe(btoa('"hello"')));
      expect(invokes).toEqual(['Ready']);
      expect(screen.getByRole('button', { name: 'Invoke' })).toBeEnabled();
      expect(screen.queryByRole('alert')).toBeNull();
    });

    it('on CodeNotReady (a build that began after the check) waits for Ready and tries once more', async () => {
      let status: 'Preparing' | 'Ready' = 'Ready';
      const invokes: string[] = [];
      server.use(
        http.get('/api/functions/:s/:f', () => goView({ status })),
        http.put('/api/deploy', () => goView({ status: 'Ready' })),
        http.post('/api/invoke/:s/:f', () => {
          invokes.push(status);
          if (invokes.length > 1) return answer();
          status = 'Preparing'; // another tab deployed new source just now
          return fcError(503, 'CodeNotReady', NOT_READY);
        }),
      );
      useWorkspace.getState().setManifest({ runtime: 'go1', handler: 'main' });
      renderWithQuery(<InvokePanel />);
      await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
      expect(await screen.findByRole('button', { name: 'Building…' })).toBeDisabled();
      expect(screen.queryByRole('alert')).toBeNull();
      status = 'Ready';
      liveReady();
      await waitFor(() => expect(useSession.getState().result?.bodyBase64).toBe(btoa('"hello"')));
      expect(invokes).toHaveLength(2);
      expect(screen.queryByRole('alert')).toBeNull();
    });

    it('says the build failed, pointing at the build output, without invoking', async () => {
      let invokes = 0;
      server.use(
        http.get('/api/functions/:s/:f', () => goView({ status: 'Failed', reason: 'go build failed:\n./main.go:1:1: x' })),
        http.put('/api/deploy', () => HttpResponse.json({})),
        http.post('/api/invoke/:s/:f', () => (invokes++, answer())),
      );
      useWorkspace.getState().setManifest({ runtime: 'go1', handler: 'main' });
      renderWithQuery(<InvokePanel />);
      await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('CodeNotReady');
      expect(alert).toHaveTextContent('Build output');
      expect(alert).not.toHaveTextContent('main.go');
      expect(invokes).toBe(0);
    });
  });
});
