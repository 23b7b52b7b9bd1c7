import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { render } from '@testing-library/react';
import { setupServer } from 'msw/node';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useLive } from '../api/live.ts';
import { useBuildProblems } from '../editor/build-problems.ts';
import { useEditorReveal } from '../editor/reveal.ts';
import { useSession } from '../invoke/session.ts';
import { useWorkspace } from '../workspace/store.ts';
import { useQualifier } from '../releases/qualifier.ts';
import { useAsyncSwitch } from '../invoke/async-switch.ts';
import { handlers } from './handlers.ts';
import { FUNCTION, SERVICE } from './fixtures.ts';

/**
 * Starts msw with the default handlers for one test file and puts the page's stores back to a
 * fresh state after each test. Returns the server, for `server.use(...)` overrides.
 */
export function useMockApi() {
  const server = setupServer(...handlers);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    server.resetHandlers();
    resetStores();
  });
  afterAll(() => server.close());
  resetStores();
  return server;
}

export function resetStores() {
  useLive.setState({ connected: false, lines: [], instances: {}, acceleration: {}, lastInvocation: null, lastAsync: null, asyncChanges: 0, imageRemovals: 0 });
  useSession.setState({ phase: 'idle', result: null, accepted: null, error: null, selectedRequestId: null });
  useAsyncSwitch.setState({ enabled: false, invocationId: '' });
  useBuildProblems.setState({ problems: [] });
  useQualifier.setState({ qualifier: 'LATEST' });
  useEditorReveal.setState({ target: null });
  useWorkspace.setState(useWorkspace.getInitialState(), true);
  useWorkspace.getState().setManifest({ serviceName: SERVICE, functionName: FUNCTION });
}

/** Renders with a fresh react-query client (no retries, so errors show at once). */
export function renderWithQuery(ui: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });
  return { client, ...render(<QueryClientProvider client={client}>{ui}</QueryClientProvider>) };
}
