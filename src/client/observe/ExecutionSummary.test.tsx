import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { useSession } from '../invoke/session.ts';
import { makeColdRecord, makeRecord, makeResult } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { ExecutionSummary } from './ExecutionSummary.tsx';

const server = useMockApi();
const summary = () => within(screen.getByRole('region', { name: 'Execution summary' }));
/** the <dd> next to a <dt> */
const valueOf = (label: string) => summary().getByText(label).closest('dt')!.nextElementSibling;

describe('ExecutionSummary', () => {
  it("lists a warm invocation's values and no cold-start phases", () => {
    useSession.setState({ result: makeResult('{}', { record: makeRecord({ requestId: 'req-warm', durationMs: 3.05, billedDurationMs: 4, memorySizeMB: 256, maxMemoryUsedMB: 10.7712 }) }) });
    renderWithQuery(<ExecutionSummary />);
    expect(valueOf('Request ID')).toHaveTextContent('req-warm');
    expect(valueOf('Duration')).toHaveTextContent('3.05 ms');
    expect(valueOf('Billed duration')).toHaveTextContent('4 ms');
    expect(valueOf('Memory size')).toHaveTextContent('256 MB');
    expect(valueOf('Max memory used')).toHaveTextContent('10.77 MB');
    expect(valueOf('Cold start')).toHaveTextContent('no');
    expect(summary().queryByText('PullCode')).not.toBeInTheDocument();
    expect(summary().queryByText('InitRuntime')).not.toBeInTheDocument();
    expect(summary().queryByText('InitFunction')).not.toBeInTheDocument();
    expect(summary().getByRole('img', { name: /Time breakdown: Handler 3\.05 ms$/ })).toBeInTheDocument();
  });

  it('says which qualifier the call went through and which version served it', () => {
    useSession.setState({ result: makeResult('{}', { record: makeRecord({ qualifier: 'prod', versionId: '2' }) }) });
    renderWithQuery(<ExecutionSummary />);
    expect(valueOf('Qualifier / version')).toHaveTextContent('prod / 2');
  });

  it('adds the three cold-start phases, with two decimals, and draws them before the handler', () => {
    useSession.setState({ result: makeResult('{}', { record: makeColdRecord({ initReport: { pullCodeMs: 1.5, initRuntimeMs: 80.256, initFunctionMs: 12 } }) }) });
    renderWithQuery(<ExecutionSummary />);
    expect(valueOf('Cold start')).toHaveTextContent('yes');
    expect(valueOf('PullCode')).toHaveTextContent('1.50 ms');
    expect(valueOf('InitRuntime')).toHaveTextContent('80.26 ms');
    expect(valueOf('InitFunction')).toHaveTextContent('12.00 ms');
    const bar = summary().getByRole('img', { name: /^Time breakdown/ });
    expect(Array.from(bar.querySelectorAll('rect'), (r) => r.getAttribute('data-phase'))).toEqual(['pullCode', 'initRuntime', 'initFunction', 'handler']);
  });

  it('describes the invocation picked in History', async () => {
    server.use(http.get('/api/invocations/req-picked', () => HttpResponse.json(makeColdRecord({ requestId: 'req-picked' }))));
    useSession.setState({ result: makeResult('{}'), selectedRequestId: 'req-picked' });
    renderWithQuery(<ExecutionSummary />);
    expect(await summary().findByText('req-picked')).toBeInTheDocument();
    expect(valueOf('Cold start')).toHaveTextContent('yes');
  });

  it('says so when nothing was invoked yet', () => {
    renderWithQuery(<ExecutionSummary />);
    expect(summary().getByText('No invocation yet.')).toBeInTheDocument();
  });
});
