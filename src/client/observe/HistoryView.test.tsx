import { describe, expect, it } from 'vitest';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { InvocationRecord } from '../../shared/observe.ts';
import { useLive } from '../api/live.ts';
import { useSession } from '../invoke/session.ts';
import { makeColdRecord, makeRecord } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { HistoryView } from './HistoryView.tsx';
import { useQualifier } from '../releases/qualifier.ts';

const server = useMockApi();
const history = () => within(screen.getByRole('region', { name: 'History' }));

/** Newest first, as the API lists them. */
const RECORDS = [
  makeRecord({ requestId: 'req-3', startTime: '2025-01-01T10:00:03.000Z', status: 'failed', errorType: 'UnhandledInvocationError', durationMs: 5 }),
  makeRecord({ requestId: 'req-2', startTime: '2025-01-01T10:00:02.000Z', durationMs: 2 }),
  makeColdRecord({ requestId: 'req-1', startTime: '2025-01-01T10:00:01.000Z', durationMs: 9.5 }),
];

function serve(records: () => InvocationRecord[]) {
  server.use(http.get('/api/functions/playground/hello/invocations', () => HttpResponse.json({ invocations: records() })));
}

describe('HistoryView', () => {
  it('lists past invocations with status, duration and cold/warm', async () => {
    serve(() => RECORDS);
    renderWithQuery(<HistoryView />);
    const row = (await history().findByRole('button', { name: /req-1/ })).closest('tr')!;
    expect(within(row).getByText('succeeded')).toHaveClass('badge-ok');
    expect(within(row).getByText('9.50 ms')).toBeInTheDocument();
    expect(within(row).getByText('cold')).toBeInTheDocument();
    const failed = history().getByRole('button', { name: /req-3/ }).closest('tr')!;
    expect(within(failed).getByText('failed')).toHaveClass('badge-err');
    expect(within(failed).getByText('warm')).toBeInTheDocument();
  });

  it('picks an invocation for Result and the summary, highlights it, and un-picks it on a second click', async () => {
    const user = userEvent.setup();
    serve(() => RECORDS);
    renderWithQuery(<HistoryView />);
    const pick = await history().findByRole('button', { name: /req-2/ });
    await user.click(pick);
    expect(useSession.getState().selectedRequestId).toBe('req-2');
    expect(pick).toHaveAttribute('aria-pressed', 'true');
    expect(pick.closest('tr')).toHaveClass('hist-selected');
    expect(history().getByRole('button', { name: /req-3/ })).toHaveAttribute('aria-pressed', 'false');

    await user.click(pick);
    expect(useSession.getState().selectedRequestId).toBeNull();
  });

  it('draws a duration chart with one bar per invocation, oldest first, cold starts stacked', async () => {
    serve(() => RECORDS);
    renderWithQuery(<HistoryView />);
    const chart = await history().findByRole('img', { name: 'Duration chart' });
    const bars = chart.querySelectorAll('.hist-bar');
    expect(bars).toHaveLength(3);
    expect(bars[0]).toHaveAttribute('data-cold', 'true');
    expect(bars[0].querySelectorAll('rect')).toHaveLength(3); // hit area, start-up, handler
    expect(bars[2].querySelector('rect:last-child')).toHaveAttribute('fill', 'var(--err)');
  });

  it('refetches when a live event says an invocation of this function finished', async () => {
    const records: InvocationRecord[] = [RECORDS[2]];
    serve(() => records);
    renderWithQuery(<HistoryView />);
    await history().findByRole('button', { name: /req-1/ });
    records.unshift(RECORDS[1]);
    act(() => useLive.getState().apply({ type: 'invocation', record: RECORDS[1] }));
    expect(await history().findByRole('button', { name: /req-2/ })).toBeInTheDocument();
  });

  it('shows the calls made at the picked qualifier, each with the version that served it, timer calls marked', async () => {
    serve(() => [
      makeRecord({ requestId: 'req-p2', qualifier: 'prod', versionId: '2' }),
      makeRecord({ requestId: 'req-p1', qualifier: 'prod', versionId: '1', invocationType: 'timer' }),
      makeRecord({ requestId: 'req-latest', qualifier: 'LATEST', versionId: 'LATEST' }),
    ]);
    renderWithQuery(<HistoryView />);
    await history().findByRole('button', { name: /req-latest/ });
    expect(history().queryByRole('button', { name: /req-p1/ })).not.toBeInTheDocument();
    expect(history().getByLabelText('Qualifier shown')).toHaveTextContent('at LATEST');

    act(() => useQualifier.getState().setQualifier('prod'));
    const p1 = within((await history().findByRole('button', { name: /req-p1/ })).closest('tr')!);
    const p2 = within(history().getByRole('button', { name: /req-p2/ }).closest('tr')!);
    expect(history().queryByRole('button', { name: /req-latest/ })).not.toBeInTheDocument();
    expect(p1.getByText('1')).toHaveClass('hist-version');
    expect(p1.getByText('timer')).toHaveClass('badge');
    expect(p2.getByText('2')).toHaveClass('hist-version');
    expect(p2.queryByText('timer')).not.toBeInTheDocument();
    expect(history().getByText('2 invocations')).toBeInTheDocument();
  });
});
