import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { LogLine } from '../../shared/observe.ts';
import { useLive } from '../api/live.ts';
import { useSession } from '../invoke/session.ts';
import { makeLine } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { LogsView } from './LogsView.tsx';

const server = useMockApi();

const pushLine = (line: LogLine) => act(() => useLive.getState().apply({ type: 'log', line }));
const logs = () => within(screen.getByRole('region', { name: 'Logs' }));
const box = () => screen.getByRole('log', { name: 'Log lines' });
const shownTexts = () => Array.from(box().querySelectorAll('.log-text'), (el) => el.textContent);

function withHistory(lines: LogLine[]) {
  server.use(http.get('/api/logs', () => HttpResponse.json({ lines })));
}

describe('LogsView', () => {
  it('shows stored lines from before the page loaded, then live ones, without duplicates', async () => {
    const seen: string[] = [];
    server.use(
      http.get('/api/logs', ({ request }) => {
        seen.push(new URL(request.url).search);
        return HttpResponse.json({ lines: [makeLine({ id: 1, text: 'old one' }), makeLine({ id: 2, text: 'old two' })] });
      }),
    );
    renderWithQuery(<LogsView />);
    await logs().findByText('old two');
    pushLine(makeLine({ id: 2, text: 'old two' }));
    pushLine(makeLine({ id: 3, text: 'new three' }));
    expect(shownTexts()).toEqual(['old one', 'old two', 'new three']);
    expect(seen[0]).toContain('service=playground');
    expect(seen[0]).toContain('function=hello');
    expect(seen[0]).toContain('limit=500');
  });

  it('shows only the lines of the current function', async () => {
    renderWithQuery(<LogsView />);
    pushLine(makeLine({ id: 1, text: 'mine' }));
    pushLine(makeLine({ id: 2, text: 'someone else', functionName: 'other' }));
    await logs().findByText('mine');
    expect(logs().queryByText('someone else')).not.toBeInTheDocument();
  });

  it('filters by request id and by instance', async () => {
    const user = userEvent.setup();
    renderWithQuery(<LogsView />);
    pushLine(makeLine({ id: 1, requestId: 'req-aaa', instanceId: 'c-one', text: 'from a' }));
    pushLine(makeLine({ id: 2, requestId: 'req-bbb', instanceId: 'c-two', text: 'from b' }));
    pushLine(makeLine({ id: 3, requestId: 'req-ccc', instanceId: 'c-one', text: 'from c' }));

    await user.type(logs().getByLabelText('Filter by request ID'), 'bbb');
    expect(shownTexts()).toEqual(['from b']);

    await user.clear(logs().getByLabelText('Filter by request ID'));
    await user.selectOptions(logs().getByLabelText('Filter by instance'), 'c-one');
    expect(shownTexts()).toEqual(['from a', 'from c']);

    await user.type(logs().getByLabelText('Filter by request ID'), 'req-ccc');
    expect(shownTexts()).toEqual(['from c']);
  });

  it('narrows to the request picked in History, loading its stored lines', async () => {
    server.use(
      http.get('/api/logs', ({ request }) => {
        const id = new URL(request.url).searchParams.get('requestId');
        return HttpResponse.json({ lines: id === 'req-old' ? [makeLine({ id: 1, requestId: 'req-old', text: 'long ago' })] : [] });
      }),
    );
    renderWithQuery(<LogsView />);
    pushLine(makeLine({ id: 5, requestId: 'req-new', text: 'recent' }));
    act(() => useSession.getState().set({ selectedRequestId: 'req-old' }));
    await logs().findByText('long ago');
    expect(logs().getByLabelText('Filter by request ID')).toHaveValue('req-old');
    expect(logs().queryByText('recent')).not.toBeInTheDocument();

    act(() => useSession.getState().set({ selectedRequestId: null }));
    expect(logs().getByLabelText('Filter by request ID')).toHaveValue('');
    expect(logs().getByText('recent')).toBeInTheDocument();
  });

  it('sets system lines apart, with a separator before each invocation, and colours levels', async () => {
    renderWithQuery(<LogsView />);
    pushLine(makeLine({ id: 1, source: 'system', text: 'FC Invoke Start RequestId: req-1' }));
    pushLine(makeLine({ id: 2, source: 'stdout', text: 'hello from the handler' }));
    pushLine(makeLine({ id: 3, source: 'stderr', level: 'error', text: 'it broke' }));
    pushLine(makeLine({ id: 4, source: 'logger', level: 'warn', text: '2025-01-01T10:00:00.004Z req-1 [WARN] careful' }));
    pushLine(makeLine({ id: 5, source: 'system', text: 'Duration: 3.05 ms, Billed Duration: 4 ms, Memory Size: 128 MB, Max Memory Used: 10.77 MB' }));

    const row = (text: string | RegExp) => logs().getByText(text).closest('.log-line')!;
    expect(row('FC Invoke Start RequestId: req-1')).toHaveClass('source-system', 'log-invoke-start');
    expect(row(/^Duration: 3\.05 ms/)).toHaveClass('source-system');
    expect(row(/^Duration: 3\.05 ms/)).not.toHaveClass('log-invoke-start');
    expect(row('hello from the handler')).not.toHaveClass('source-system');
    expect(row('it broke')).toHaveClass('level-error');
    expect(row(/\[WARN\] careful/)).toHaveClass('level-warn');
  });

  it('follows the tail until the user scrolls up, then offers to jump to the latest line', async () => {
    const user = userEvent.setup();
    renderWithQuery(<LogsView />);
    const metrics = { scrollHeight: 1000, clientHeight: 200 };
    Object.defineProperty(box(), 'scrollHeight', { configurable: true, get: () => metrics.scrollHeight });
    Object.defineProperty(box(), 'clientHeight', { configurable: true, get: () => metrics.clientHeight });

    pushLine(makeLine({ id: 1 }));
    expect(box().scrollTop).toBe(1000);
    expect(logs().queryByRole('button', { name: 'Jump to latest' })).not.toBeInTheDocument();

    box().scrollTop = 300;
    fireEvent.scroll(box());
    await logs().findByRole('button', { name: 'Jump to latest' });

    metrics.scrollHeight = 1200;
    pushLine(makeLine({ id: 2 }));
    expect(box().scrollTop).toBe(300);

    await user.click(logs().getByRole('button', { name: 'Jump to latest' }));
    expect(box().scrollTop).toBe(1200);
    expect(logs().queryByRole('button', { name: 'Jump to latest' })).not.toBeInTheDocument();

    metrics.scrollHeight = 1400;
    pushLine(makeLine({ id: 3 }));
    expect(box().scrollTop).toBe(1400);
  });

  it('copies the lines the filters let through', async () => {
    const user = userEvent.setup();
    renderWithQuery(<LogsView />);
    pushLine(makeLine({ id: 1, requestId: 'req-a', text: 'first' }));
    pushLine(makeLine({ id: 2, requestId: 'req-b', text: 'second' }));
    pushLine(makeLine({ id: 3, requestId: 'req-a', text: 'third' }));
    await user.type(logs().getByLabelText('Filter by request ID'), 'req-a');
    await user.click(logs().getByRole('button', { name: 'Copy logs' }));
    expect(await navigator.clipboard.readText()).toBe('first\nthird');
    expect(logs().getByText('Copied 2 lines')).toBeInTheDocument();
  });

  it('clears the log, including stored lines, and keeps showing new ones', async () => {
    const user = userEvent.setup();
    withHistory([makeLine({ id: 1, text: 'stored' })]);
    renderWithQuery(<LogsView />);
    await logs().findByText('stored');
    pushLine(makeLine({ id: 2, text: 'live' }));
    await user.click(logs().getByRole('button', { name: 'Clear logs' }));
    expect(shownTexts()).toEqual([]);
    expect(useLive.getState().lines).toEqual([]);
    pushLine(makeLine({ id: 3, text: 'after clear' }));
    expect(shownTexts()).toEqual(['after clear']);
  });

  it('keeps at most 2000 lines in the page, the newest', async () => {
    withHistory([]);
    renderWithQuery(<LogsView />);
    act(() => useLive.setState({ lines: Array.from({ length: 2500 }, (_, i) => makeLine({ id: i + 1 })) }));
    await waitFor(() => expect(box().querySelectorAll('.log-line')).toHaveLength(2000));
    expect(logs().getByText('line 2500')).toBeInTheDocument();
    expect(logs().queryByText('line 500')).not.toBeInTheDocument();
    expect(logs().getByText('Showing the last 2000 of 2500 lines.')).toBeInTheDocument();
  });
});
