import { describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useLive } from '../api/live.ts';
import { useBuildProblems } from '../editor/build-problems.ts';
import { useEditorReveal } from '../editor/reveal.ts';
import { givenWorkspace } from '../editor/test-workspace.ts';
import { useWorkspace } from '../workspace/store.ts';
import { makeFunctionView } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { AccelerationBadge } from './AccelerationBadge.tsx';
import { BuildOutput } from './BuildOutput.tsx';

const server = useMockApi();
const serveGo = (accelerationInfo: { status: 'Preparing' | 'Ready' | 'Failed'; reason?: string }) =>
  server.use(http.get('/api/functions/playground/hello', () => HttpResponse.json(makeFunctionView({ runtime: 'go1', handler: 'main', accelerationInfo }))));
const liveStatus = (status: 'Preparing' | 'Ready' | 'Failed', reason: string | null = null) =>
  act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '123', status, reason }));
const pane = () => screen.queryByRole('region', { name: 'Build output' });

const COMPILER = 'go build failed:\n# fnplay.local/function\n./main.go:12:5: undefined: foo\n./util/strings.go:3:14: missing return\n./gone.go:1:1: x declared and not used';

describe('BuildOutput', () => {
  it("shows the compiler's lines of a failed build, each a button to its file and line", async () => {
    givenWorkspace({ 'main.go': 'package main\n', 'util/strings.go': 'package util\n' }, { openFile: 'main.go' });
    serveGo({ status: 'Failed', reason: COMPILER });
    const user = userEvent.setup();
    renderWithQuery(<BuildOutput />);
    const region = await screen.findByRole('region', { name: 'Build output' });
    expect(region).toHaveTextContent('# fnplay.local/function');
    expect(within(region).getByText('3 errors')).toBeVisible();

    await user.click(within(region).getByRole('button', { name: './util/strings.go:3:14: missing return' }));
    expect(useWorkspace.getState().openFile).toBe('util/strings.go');
    expect(useEditorReveal.getState().target).toEqual({ path: 'util/strings.go', line: 3, column: 14 });

    await user.click(within(region).getByRole('button', { name: './main.go:12:5: undefined: foo' }));
    expect(useWorkspace.getState().openFile).toBe('main.go');
    expect(useEditorReveal.getState().target).toEqual({ path: 'main.go', line: 12, column: 5 });

    // A file the editor does not have is named, but not a button.
    expect(within(region).queryByRole('button', { name: /gone\.go/ })).toBeNull();
    expect(region).toHaveTextContent('./gone.go:1:1: x declared and not used');
    // The editor underlines what the compiler named.
    expect(useBuildProblems.getState().problems).toContainEqual({ path: 'main.go', line: 12, column: 5, message: 'undefined: foo' });
  });

  it('shows Building… with a progress bar while Go source builds, then goes away when Ready', async () => {
    serveGo({ status: 'Preparing' });
    renderWithQuery(<BuildOutput />);
    const region = await screen.findByRole('region', { name: 'Build output' });
    expect(within(region).getByRole('status')).toHaveTextContent('Building…');
    expect(within(region).getByRole('progressbar', { name: 'Build progress' })).toBeInTheDocument();
    liveStatus('Ready');
    expect(pane()).toBeNull();
  });

  it('turns a build in progress into its failure on the live event', async () => {
    givenWorkspace({ 'main.go': 'package main\n' });
    serveGo({ status: 'Preparing' });
    renderWithQuery(<BuildOutput />);
    await screen.findByText('Building…');
    liveStatus('Failed', 'go build failed:\n./main.go:3:1: syntax error: unexpected }');
    expect(screen.getByRole('button', { name: './main.go:3:1: syntax error: unexpected }' })).toBeVisible();
    expect(screen.queryByText('Building…')).toBeNull();
  });

  it('is not there for Ready code, and clears the problems it showed', async () => {
    serveGo({ status: 'Ready' });
    useBuildProblems.setState({ problems: [{ path: 'main.go', line: 1, column: 1, message: 'old' }] });
    renderWithQuery(<BuildOutput />);
    await waitFor(() => expect(useBuildProblems.getState().problems).toEqual([]));
    expect(pane()).toBeNull();
  });

  it('shows the reason of another runtime that failed, but not its short Preparing', async () => {
    server.use(http.get('/api/functions/playground/hello', () => HttpResponse.json(makeFunctionView({ accelerationInfo: { status: 'Preparing' } }))));
    renderWithQuery(
      <>
        <AccelerationBadge />
        <BuildOutput />
      </>,
    );
    await waitFor(() => expect(screen.getByRole('status', { name: 'Acceleration status' })).toHaveTextContent('Preparing'));
    expect(pane()).toBeNull();
    liveStatus('Failed', 'handler index.js not found');
    expect(pane()).toHaveTextContent('handler index.js not found');
    expect(within(pane()!).getByText('Failed')).toBeVisible();
  });
});
