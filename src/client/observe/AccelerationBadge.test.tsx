import { describe, expect, it } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { useLive } from '../api/live.ts';
import { useWorkspace } from '../workspace/store.ts';
import { fcError, makeFunctionView } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { AccelerationBadge } from './AccelerationBadge.tsx';

const server = useMockApi();
const badge = () => screen.getByRole('status', { name: 'Acceleration status' });
const serveStatus = (accelerationInfo: { status: 'Preparing' | 'Ready' | 'Failed'; reason?: string }) =>
  server.use(http.get('/api/functions/playground/hello', () => HttpResponse.json(makeFunctionView({ accelerationInfo }))));

describe('AccelerationBadge', () => {
  it('goes from Preparing to Ready on a live event', async () => {
    serveStatus({ status: 'Preparing' });
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent(/^Preparing$/));
    act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '123', status: 'Ready', reason: null }));
    expect(badge()).toHaveTextContent(/^Ready$/);
  });

  it('shows Failed with its reason', async () => {
    serveStatus({ status: 'Failed', reason: 'bootstrap is not executable' });
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent(/^Failed$/));
    expect(screen.getByText('bootstrap is not executable')).toBeVisible();
  });

  it("shows a build's first compiler error beside the badge, and all of its output in the title", async () => {
    serveStatus({ status: 'Failed', reason: 'go build failed:\n# fnplay.local/function\n./main.go:3:1: undefined: x\n./main.go:4:1: undefined: y' });
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent(/^Failed$/));
    expect(screen.getByText('main.go:3: undefined: x')).toBeVisible();
    expect(screen.queryByText(/undefined: y/)).toBeNull();
    expect(badge().parentElement).toHaveAttribute('title', expect.stringContaining('./main.go:3:1: undefined: x'));
  });

  it('keeps a live Ready when a stale fetch still says Preparing (they arrive in either order)', async () => {
    serveStatus({ status: 'Preparing' });
    act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '123', status: 'Ready', reason: null }));
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent(/^Ready$/));
  });

  it('shows a live failure and its reason', async () => {
    serveStatus({ status: 'Preparing' });
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent('Preparing'));
    act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '123', status: 'Failed', reason: 'handler index.js not found' }));
    expect(badge()).toHaveTextContent(/^Failed$/);
    expect(screen.getByText('handler index.js not found')).toBeInTheDocument();
  });

  it("ignores other functions' events", async () => {
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent('Ready'));
    act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'other', codeChecksum: '9', status: 'Preparing', reason: null }));
    expect(badge()).toHaveTextContent('Ready');
  });

  it('says Not deployed when the function does not exist, until a deploy starts preparing it', async () => {
    server.use(http.get('/api/functions/playground/hello', () => HttpResponse.json(null)));
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent(/^Not deployed$/));
    act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '123', status: 'Preparing', reason: null }));
    expect(badge()).toHaveTextContent(/^Preparing$/);
  });

  it('also reads a 404 as not deployed', async () => {
    server.use(http.get('/api/functions/playground/hello', () => fcError(404, 'FunctionNotFound', 'function hello does not exist')));
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent(/^Not deployed$/));
  });

  it('follows the current function', async () => {
    server.use(http.get('/api/functions/playground/:fn', ({ params }) => HttpResponse.json(params.fn === 'hello' ? makeFunctionView() : null)));
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent('Ready'));
    act(() => useWorkspace.getState().setManifest({ functionName: 'renamed' }));
    await waitFor(() => expect(badge()).toHaveTextContent('Not deployed'));
  });

  it("says how far a container image's preparation is beside the badge, and all of it in the title", async () => {
    server.use(http.get('/api/functions/playground/hello', () => HttpResponse.json(makeFunctionView({ runtime: 'custom-container', accelerationInfo: { status: 'Preparing' } }))));
    renderWithQuery(<AccelerationBadge />);
    await waitFor(() => expect(badge()).toHaveTextContent(/^Preparing$/));
    const event = (progress: { phase: 'pulling' | 'unpacking'; layersDone?: number; layers?: number; bytesDone?: number; bytes?: number }) =>
      act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '123', status: 'Preparing', reason: null, progress }));
    event({ phase: 'pulling' });
    expect(screen.getByText('pulling')).toBeVisible();
    event({ phase: 'unpacking', layersDone: 2, layers: 5, bytesDone: 10 * 1024 * 1024, bytes: 40 * 1024 * 1024 });
    expect(screen.getByText('layer 3/5')).toBeVisible();
    expect(badge().parentElement).toHaveAttribute('title', expect.stringMatching(/^Image acceleration: preparing\..*Unpacking layer 3 of 5 · 10 MB of 40 MB$/));
    expect(badge()).toHaveTextContent(/^Preparing$/);
  });
});
