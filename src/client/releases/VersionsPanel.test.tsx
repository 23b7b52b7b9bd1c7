import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { Version } from '../../shared/releases-api.ts';
import { makeVersion } from '../mocks/fixtures.ts';
import { fcError } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { VersionsPanel } from './VersionsPanel.tsx';

const server = useMockApi();
const panel = () => within(screen.getByRole('region', { name: 'Versions' }));

describe('VersionsPanel', () => {
  it('publishes a version with its description and lists it, newest first', async () => {
    const versions: Version[] = [makeVersion({ versionId: '1', description: 'first' })];
    const bodies: unknown[] = [];
    server.use(
      http.get('/api/fc/services/playground/versions', () => HttpResponse.json({ versions, direction: 'BACKWARD' })),
      http.post('/api/fc/services/playground/versions', async ({ request }) => {
        const body = (await request.json()) as { description: string };
        bodies.push(body);
        const v = makeVersion({ versionId: '2', description: body.description });
        versions.unshift(v);
        return HttpResponse.json(v);
      }),
    );
    renderWithQuery(<VersionsPanel />);
    await panel().findByRole('listitem', { name: 'Version 1' });
    await userEvent.type(panel().getByRole('textbox', { name: 'Version description' }), 'greets in French');
    await userEvent.click(panel().getByRole('button', { name: 'Publish version' }));
    expect(await panel().findByRole('status')).toHaveTextContent('Published version 2.');
    expect(bodies).toEqual([{ description: 'greets in French' }]);
    await waitFor(() => expect(panel().getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual(['Version 2', 'Version 1']));
    expect(panel().getByRole('listitem', { name: 'Version 2' })).toHaveTextContent('greets in French');
    expect(panel().getByRole('textbox', { name: 'Version description' })).toHaveValue('');
  });

  it("shows FC's refusal to publish when nothing changed", async () => {
    server.use(http.post('/api/fc/services/playground/versions', () => fcError(400, 'InvalidArgument', 'no changes since the last version 1')));
    renderWithQuery(<VersionsPanel />);
    await userEvent.click(panel().getByRole('button', { name: 'Publish version' }));
    expect(await panel().findByRole('alert')).toHaveTextContent('InvalidArgument no changes since the last version 1');
  });

  it('deletes a version, and shows the refusal as FC phrases it when an alias points at it', async () => {
    let versions = [makeVersion({ versionId: '2' }), makeVersion({ versionId: '1' })];
    const deleted: string[] = [];
    server.use(
      http.get('/api/fc/services/playground/versions', () => HttpResponse.json({ versions })),
      http.delete('/api/fc/services/playground/versions/:id', ({ params }) => {
        if (params.id === '1') return fcError(400, 'VersionInUse', "version 1 is used by alias 'prod'");
        deleted.push(String(params.id));
        versions = versions.filter((v) => v.versionId !== params.id);
        return new HttpResponse(null, { status: 204 });
      }),
    );
    renderWithQuery(<VersionsPanel />);
    await userEvent.click(await panel().findByRole('button', { name: 'Delete version 1' }));
    expect(await within(panel().getByRole('listitem', { name: 'Version 1' })).findByRole('alert')).toHaveTextContent("VersionInUse version 1 is used by alias 'prod'");
    await userEvent.click(panel().getByRole('button', { name: 'Delete version 2' }));
    await waitFor(() => expect(panel().queryByRole('listitem', { name: 'Version 2' })).not.toBeInTheDocument());
    expect(deleted).toEqual(['2']);
  });

  it("sets LATEST's provision target and shows how many are ready", async () => {
    let config = { resource: '1#playground#LATEST#hello', target: 0, current: 0 };
    const puts: unknown[] = [];
    server.use(
      http.get('/api/fc/services/playground.LATEST/functions/hello/provision-config', () => HttpResponse.json(config)),
      http.put('/api/fc/services/playground.LATEST/functions/hello/provision-config', async ({ request }) => {
        const body = (await request.json()) as { target: number };
        puts.push(body);
        config = { ...config, target: body.target, current: body.target };
        return HttpResponse.json(config);
      }),
    );
    renderWithQuery(<VersionsPanel />);
    expect(await panel().findByLabelText('Provisioned ready at LATEST')).toHaveTextContent('0 of 0 ready');
    const input = panel().getByRole('spinbutton', { name: 'Provision target at LATEST' });
    await userEvent.clear(input);
    await userEvent.type(input, '2');
    await userEvent.click(panel().getByRole('button', { name: 'Set target' }));
    await waitFor(() => expect(panel().getByLabelText('Provisioned ready at LATEST')).toHaveTextContent('2 of 2 ready'));
    expect(puts).toEqual([{ target: 2 }]);
  });
});
