import { describe, expect, it } from 'vitest';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { useSession } from '../invoke/session.ts';
import { makeRecord, makeResult } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { ResultView } from './ResultView.tsx';

const server = useMockApi();
const result = () => within(screen.getByRole('region', { name: 'Result' }));

describe('ResultView', () => {
  it('pretty-prints a JSON body next to its status code', () => {
    useSession.setState({ result: makeResult('{"hello":"fnplay","n":1}') });
    renderWithQuery(<ResultView />);
    expect(result().getByLabelText('Response body').textContent).toBe('{\n  "hello": "fnplay",\n  "n": 1\n}');
    expect(result().getByText('200')).toHaveClass('badge-ok');
  });

  it('shows a text body as it is', () => {
    useSession.setState({ result: makeResult('plain words, {not json', { headers: { 'content-type': 'text/plain' } }) });
    renderWithQuery(<ResultView />);
    expect(result().getByLabelText('Response body')).toHaveTextContent('plain words, {not json');
  });

  it('previews a binary body as hex', () => {
    useSession.setState({ result: makeResult(new Uint8Array([0x00, 0x01, 0xff, 0x41]), { headers: { 'content-type': 'application/octet-stream' } }) });
    renderWithQuery(<ResultView />);
    expect(result().getByLabelText('Response body')).toHaveTextContent('00000000 00 01 ff 41');
    expect(result().getByText(/Binary body, 4 B/)).toBeInTheDocument();
  });

  it('leads a failed invocation with its error type and message', () => {
    const body = JSON.stringify({ errorMessage: 'boom: user code threw', errorType: 'TypeError', stackTrace: ['at handler (index.js:3:9)'] });
    useSession.setState({
      result: makeResult(body, {
        statusCode: 200,
        headers: { 'x-fc-error-type': 'UnhandledInvocationError', 'content-type': 'application/json' },
        record: makeRecord({ status: 'failed', errorType: 'UnhandledInvocationError' }),
      }),
    });
    renderWithQuery(<ResultView />);
    expect(result().getByText('UnhandledInvocationError')).toHaveClass('badge-err');
    expect(result().getByText('boom: user code threw')).toHaveClass('result-error-message');
    expect(result().getByText('TypeError')).toBeInTheDocument();
    expect(result().getByLabelText('Stack trace')).toHaveTextContent('at handler (index.js:3:9)');
  });

  it('reveals the response headers on demand', async () => {
    const user = userEvent.setup();
    useSession.setState({ result: makeResult('{}', { headers: { 'x-fc-request-id': 'req-1', 'x-fc-invocation-duration': '3' } }) });
    renderWithQuery(<ResultView />);
    expect(result().queryByText('x-fc-invocation-duration')).not.toBeInTheDocument();
    const toggle = result().getByRole('button', { name: 'Show headers' });
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    expect(result().getByText('x-fc-invocation-duration').nextSibling).toHaveTextContent('3');
    await user.click(toggle);
    expect(result().queryByText('x-fc-invocation-duration')).not.toBeInTheDocument();
  });

  it("shows the record's warning", () => {
    useSession.setState({ result: makeResult('{}', { record: makeRecord({ warning: 'x-fc-status not set by the custom runtime' }) }) });
    renderWithQuery(<ResultView />);
    expect(result().getByRole('note')).toHaveTextContent('x-fc-status not set by the custom runtime');
  });

  it('shows the stored record of an invocation picked in History, saying its body is not kept', async () => {
    const user = userEvent.setup();
    server.use(http.get('/api/invocations/req-old', () => HttpResponse.json(makeRecord({ requestId: 'req-old', statusCode: 502, status: 'failed', errorType: 'UnhandledInvocationError' }))));
    useSession.setState({ result: makeResult('{"latest":true}'), selectedRequestId: 'req-old' });
    renderWithQuery(<ResultView />);
    expect(await result().findByText('req-old')).toBeInTheDocument();
    expect(result().getByText(/response body is not stored/)).toBeInTheDocument();
    expect(result().getByText('502')).toHaveClass('badge-err');
    expect(result().getByText('UnhandledInvocationError')).toBeInTheDocument();
    expect(result().queryByText(/"latest"/)).not.toBeInTheDocument();

    await user.click(result().getByRole('button', { name: 'Back to latest result' }));
    expect(useSession.getState().selectedRequestId).toBeNull();
    expect(result().getByText(/"latest"/)).toBeInTheDocument();
  });

  it('says when the picked invocation cannot be found', async () => {
    useSession.setState({ selectedRequestId: 'req-gone' });
    renderWithQuery(<ResultView />);
    expect(await result().findByText(/req-gone.*does not exist/)).toBeInTheDocument();
  });

  it('marks the shown result stale while a new invocation runs', () => {
    useSession.setState({ result: makeResult('{}') });
    renderWithQuery(<ResultView />);
    act(() => useSession.getState().set({ phase: 'invoking' }));
    expect(result().getByText('Invoking…')).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Result' })).toHaveAttribute('aria-busy', 'true');
  });
});
