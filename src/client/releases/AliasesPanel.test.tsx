import { describe, expect, it } from 'vitest';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { InvocationRecord } from '../../shared/observe.ts';
import type { Alias } from '../../shared/releases-api.ts';
import { useLive } from '../api/live.ts';
import { makeAlias, makeRecord, makeVersion } from '../mocks/fixtures.ts';
import { fcError } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { AliasesPanel } from './AliasesPanel.tsx';

const server = useMockApi();
const panel = () => within(screen.getByRole('region', { name: 'Aliases' }));
const VERSIONS = [makeVersion({ versionId: '2' }), makeVersion({ versionId: '1' })];
const through = (alias: string, versionId: string, i: number) => makeRecord({ requestId: `req-${alias}-${i}`, qualifier: alias, versionId });

function serve(aliases: () => Alias[], records: () => InvocationRecord[] = () => []) {
  server.use(
    http.get('/api/fc/services/playground/versions', () => HttpResponse.json({ versions: VERSIONS })),
    http.get('/api/fc/services/playground/aliases', () => HttpResponse.json({ aliases: aliases() })),
    http.get('/api/functions/playground/hello/invocations', () => HttpResponse.json({ invocations: records() })),
  );
}

describe('AliasesPanel', () => {
  it('creates an alias on a main version with a weighted additional one, the slider in percent', async () => {
    const aliases: Alias[] = [];
    const bodies: unknown[] = [];
    serve(() => aliases);
    server.use(
      http.post('/api/fc/services/playground/aliases', async ({ request }) => {
        const body = (await request.json()) as Alias;
        bodies.push(body);
        aliases.push(makeAlias(body));
        return HttpResponse.json(makeAlias(body));
      }),
    );
    renderWithQuery(<AliasesPanel />);
    await userEvent.click(await panel().findByRole('button', { name: 'New alias' }));
    const form = within(panel().getByRole('form', { name: 'New alias' }));
    await userEvent.type(form.getByRole('textbox', { name: 'Alias name' }), 'prod');
    await userEvent.selectOptions(form.getByRole('combobox', { name: 'Main version' }), '1');
    await userEvent.selectOptions(form.getByRole('combobox', { name: 'Additional version' }), '2');
    fireEvent.change(form.getByRole('slider', { name: 'Weight of version 2' }), { target: { value: '30' } });
    expect(form.getByText('30 %')).toBeInTheDocument();
    expect(form.getByText('(version 1 takes 70 %)')).toBeInTheDocument();
    await userEvent.click(form.getByRole('button', { name: 'Create alias' }));
    expect(await panel().findByRole('listitem', { name: 'Alias prod' })).toHaveTextContent('→ v1 70 % · v2 30 %');
    expect(bodies).toEqual([{ aliasName: 'prod', versionId: '1', description: '', additionalVersionWeight: { '2': 0.3 } }]);
  });

  it('edits an alias: moving the weight sends the new share, removing the additional version sends none', async () => {
    let alias = makeAlias({ aliasName: 'prod', versionId: '1', additionalVersionWeight: { '2': 0.5 } });
    const bodies: unknown[] = [];
    serve(() => [alias]);
    server.use(
      http.put('/api/fc/services/playground/aliases/prod', async ({ request }) => {
        const body = (await request.json()) as Alias;
        bodies.push(body);
        alias = makeAlias({ ...body, aliasName: 'prod' });
        return HttpResponse.json(alias);
      }),
    );
    renderWithQuery(<AliasesPanel />);
    await userEvent.click(await panel().findByRole('button', { name: 'Edit alias prod' }));
    let form = within(panel().getByRole('form', { name: 'Edit alias prod' }));
    expect(form.getByRole('textbox', { name: 'Alias name' })).toBeDisabled();
    expect(form.getByRole('slider', { name: 'Weight of version 2' })).toHaveValue('50');
    fireEvent.change(form.getByRole('slider', { name: 'Weight of version 2' }), { target: { value: '100' } });
    await userEvent.click(form.getByRole('button', { name: 'Save alias' }));
    await panel().findByRole('button', { name: 'Edit alias prod' });
    await userEvent.click(panel().getByRole('button', { name: 'Edit alias prod' }));
    form = within(panel().getByRole('form', { name: 'Edit alias prod' }));
    await userEvent.selectOptions(form.getByRole('combobox', { name: 'Additional version' }), '');
    await userEvent.click(form.getByRole('button', { name: 'Save alias' }));
    await waitFor(() => expect(bodies).toHaveLength(2));
    expect(bodies).toEqual([
      { versionId: '1', description: '', additionalVersionWeight: { '2': 1 } },
      { versionId: '1', description: '', additionalVersionWeight: {} },
    ]);
  });

  it("shows FC's refusal of an alias and deletes one", async () => {
    let aliases = [makeAlias({ aliasName: 'prod' })];
    serve(() => aliases);
    server.use(
      http.post('/api/fc/services/playground/aliases', () => fcError(400, 'InvalidArgument', "additionalVersionWeight: the weight of version 2 must be between 0 and 1, got 1.5")),
      http.delete('/api/fc/services/playground/aliases/prod', () => ((aliases = []), new HttpResponse(null, { status: 204 }))),
    );
    renderWithQuery(<AliasesPanel />);
    await userEvent.click(await panel().findByRole('button', { name: 'New alias' }));
    await userEvent.type(panel().getByRole('textbox', { name: 'Alias name' }), 'canary');
    await userEvent.click(panel().getByRole('button', { name: 'Create alias' }));
    expect(await panel().findByRole('alert')).toHaveTextContent('InvalidArgument additionalVersionWeight: the weight of version 2 must be between 0 and 1');
    await userEvent.click(panel().getByRole('button', { name: 'Delete alias prod' }));
    await waitFor(() => expect(panel().queryByRole('listitem', { name: 'Alias prod' })).not.toBeInTheDocument());
  });

  it('splits the last calls through the alias by the version that served them, live', async () => {
    const records = [
      ...[1, 2, 3].map((i) => through('prod', '2', i)),
      ...[4, 5, 6, 7].map((i) => through('prod', '1', i)),
      // not through prod: not counted
      through('LATEST', 'LATEST', 8),
      through('1', '1', 9),
    ];
    serve(() => [makeAlias({ aliasName: 'prod', versionId: '1', additionalVersionWeight: { '2': 0.5 } })], () => records);
    renderWithQuery(<AliasesPanel />);
    const split = () => panel().getByRole('img', { name: /^Split of prod/ });
    await waitFor(() => expect(split()).toHaveAccessibleName("Split of prod's last 7 calls: version 1 4, version 2 3"));
    const widths = Array.from(split().querySelectorAll('span'), (s) => (s as HTMLElement).style.width);
    expect(widths.map((w) => Math.round(parseFloat(w)))).toEqual([57, 43]);

    // one more call served by version 2 arrives: 4/4
    const next = through('prod', '2', 10);
    records.unshift(next);
    act(() => useLive.getState().apply({ type: 'invocation', record: next }));
    await waitFor(() => expect(split()).toHaveAccessibleName("Split of prod's last 8 calls: version 1 4, version 2 4"));
  });

  it("sets the alias's provision target and shows current against it", async () => {
    let config = { resource: '1#playground#prod#hello', target: 0, current: 0 };
    const puts: unknown[] = [];
    serve(() => [makeAlias({ aliasName: 'prod' })]);
    server.use(
      http.get('/api/fc/services/playground.prod/functions/hello/provision-config', () => HttpResponse.json(config)),
      http.put('/api/fc/services/playground.prod/functions/hello/provision-config', async ({ request }) => {
        const body = (await request.json()) as { target: number };
        puts.push(body);
        config = { ...config, target: body.target, current: 0 };
        return HttpResponse.json(config);
      }),
    );
    renderWithQuery(<AliasesPanel />);
    const input = await panel().findByRole('spinbutton', { name: 'Provision target at prod' });
    await userEvent.clear(input);
    await userEvent.type(input, '1');
    await userEvent.click(panel().getByRole('button', { name: 'Set target' }));
    await waitFor(() => expect(panel().getByLabelText('Provisioned ready at prod')).toHaveTextContent('0 of 1 ready'));
    config = { ...config, current: 1 };
    // polled while short of the target
    await waitFor(() => expect(panel().getByLabelText('Provisioned ready at prod')).toHaveTextContent('1 of 1 ready'), { timeout: 3000 });
    expect(puts).toEqual([{ target: 1 }]);
  });
});
