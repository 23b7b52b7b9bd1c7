import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { TimerInfo, TimerTriggerBody } from '../../shared/releases-api.ts';
import { makeAlias, makeTimer } from '../mocks/fixtures.ts';
import { fcError } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { TimersPanel } from './TimersPanel.tsx';

const server = useMockApi();
const panel = () => within(screen.getByRole('region', { name: 'Timer triggers' }));

function serveTimers(timers: () => TimerInfo[]) {
  server.use(http.get('/api/functions/playground/hello/timers', () => HttpResponse.json({ timers: timers() })));
}

describe('TimersPanel', () => {
  it('lists each timer with its schedule, qualifier and a countdown to its next firing', async () => {
    serveTimers(() => [makeTimer({ triggerName: 'nightly', cronExpression: '0 0 2 * * *', qualifier: 'prod', nextFireTime: new Date(Date.now() + 3 * 60_000 + 5_000).toISOString() }), makeTimer({ triggerName: 'off', enable: false, nextFireTime: null })]);
    renderWithQuery(<TimersPanel />);
    const nightly = within(await panel().findByRole('listitem', { name: 'Timer nightly' }));
    expect(nightly.getByText('0 0 2 * * *')).toBeInTheDocument();
    expect(nightly.getByText('at prod')).toBeInTheDocument();
    expect(nightly.getByLabelText('Next fire of nightly')).toHaveTextContent(/in 3m 0[45]s$/);
    expect(within(panel().getByRole('listitem', { name: 'Timer off' })).getByLabelText('Next fire of off')).toHaveTextContent('not scheduled');
    expect(within(panel().getByRole('listitem', { name: 'Timer off' })).getByRole('checkbox', { name: 'Enable off' })).not.toBeChecked();
  });

  it('adds a timer trigger at a qualifier with its cron expression and payload', async () => {
    const timers: TimerInfo[] = [];
    const bodies: TimerTriggerBody[] = [];
    serveTimers(() => timers);
    server.use(
      http.get('/api/fc/services/playground/aliases', () => HttpResponse.json({ aliases: [makeAlias({ aliasName: 'prod' })] })),
      http.post('/api/fc/services/playground/functions/hello/triggers', async ({ request }) => {
        const body = (await request.json()) as TimerTriggerBody;
        bodies.push(body);
        timers.push(makeTimer({ triggerName: body.triggerName, cronExpression: body.triggerConfig.cronExpression, qualifier: body.qualifier, payload: body.triggerConfig.payload }));
        return HttpResponse.json(body);
      }),
    );
    renderWithQuery(<TimersPanel />);
    await userEvent.click(panel().getByRole('button', { name: 'Add timer' }));
    const form = within(panel().getByRole('form', { name: 'New timer trigger' }));
    const name = form.getByRole('textbox', { name: 'Trigger name' });
    await userEvent.clear(name);
    await userEvent.type(name, 'tick');
    const cron = form.getByRole('textbox', { name: 'Cron expression' });
    await userEvent.clear(cron);
    await userEvent.type(cron, '@every 30s');
    await userEvent.type(form.getByRole('textbox', { name: 'Timer payload' }), 'ping');
    await waitFor(() => expect(form.getByRole('option', { name: 'prod' })).toBeInTheDocument());
    await userEvent.selectOptions(form.getByRole('combobox', { name: 'Trigger qualifier' }), 'prod');
    await userEvent.click(form.getByRole('button', { name: 'Add timer' }));
    expect(await panel().findByRole('listitem', { name: 'Timer tick' })).toHaveTextContent('@every 30s');
    expect(bodies).toEqual([{ triggerName: 'tick', triggerType: 'timer', triggerConfig: { cronExpression: '@every 30s', payload: 'ping', enable: true }, qualifier: 'prod' }]);
  });

  it("shows FC's refusal of a bad cron expression and keeps the form", async () => {
    server.use(http.post('/api/fc/services/playground/functions/hello/triggers', () => fcError(400, 'InvalidArgument', 'cronExpression: "@every 1x" is not @every <duration> or six cron fields')));
    renderWithQuery(<TimersPanel />);
    await userEvent.click(panel().getByRole('button', { name: 'Add timer' }));
    const cron = panel().getByRole('textbox', { name: 'Cron expression' });
    await userEvent.clear(cron);
    await userEvent.type(cron, '@every 1x');
    await userEvent.click(within(panel().getByRole('form')).getByRole('button', { name: 'Add timer' }));
    expect(await panel().findByRole('alert')).toHaveTextContent('InvalidArgument cronExpression: "@every 1x" is not');
    expect(panel().getByRole('form', { name: 'New timer trigger' })).toBeInTheDocument();
  });

  it('disables, edits and deletes a timer', async () => {
    let timers = [makeTimer({ triggerName: 'tick', payload: 'p' })];
    const puts: TimerTriggerBody[] = [];
    serveTimers(() => timers);
    server.use(
      http.put('/api/fc/services/playground/functions/hello/triggers/tick', async ({ request }) => {
        const body = (await request.json()) as TimerTriggerBody;
        puts.push(body);
        timers = [makeTimer({ triggerName: 'tick', cronExpression: body.triggerConfig.cronExpression, enable: body.triggerConfig.enable, payload: body.triggerConfig.payload, nextFireTime: body.triggerConfig.enable ? timers[0]!.nextFireTime : null })];
        return HttpResponse.json(body);
      }),
      http.delete('/api/fc/services/playground/functions/hello/triggers/tick', () => ((timers = []), new HttpResponse(null, { status: 204 }))),
    );
    renderWithQuery(<TimersPanel />);
    await userEvent.click(await panel().findByRole('checkbox', { name: 'Enable tick' }));
    await waitFor(() => expect(panel().getByLabelText('Next fire of tick')).toHaveTextContent('not scheduled'));
    await userEvent.click(panel().getByRole('button', { name: 'Edit timer tick' }));
    const form = within(panel().getByRole('form', { name: 'Edit timer tick' }));
    expect(form.getByRole('checkbox', { name: 'Enabled' })).not.toBeChecked();
    const cron = form.getByRole('textbox', { name: 'Cron expression' });
    await userEvent.clear(cron);
    await userEvent.type(cron, '0 */5 * * * *');
    await userEvent.click(form.getByRole('checkbox', { name: 'Enabled' }));
    await userEvent.click(form.getByRole('button', { name: 'Save timer' }));
    expect(await panel().findByText('0 */5 * * * *')).toBeInTheDocument();
    expect(puts).toEqual([
      { triggerType: 'timer', triggerConfig: { cronExpression: '@every 1m', payload: 'p', enable: false }, qualifier: 'LATEST' },
      { triggerType: 'timer', triggerConfig: { cronExpression: '0 */5 * * * *', payload: 'p', enable: true }, qualifier: 'LATEST' },
    ]);
    await userEvent.click(panel().getByRole('button', { name: 'Delete timer tick' }));
    await waitFor(() => expect(panel().queryByRole('listitem', { name: 'Timer tick' })).not.toBeInTheDocument());
  });
});
