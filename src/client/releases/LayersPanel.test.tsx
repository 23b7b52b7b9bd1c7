import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { LayerVersion, PublishLayerBody } from '../../shared/releases-api.ts';
import { layerArn, makeLayer } from '../mocks/fixtures.ts';
import { fcError } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { deployRequestOf } from '../workspace/deploy-request.ts';
import { useWorkspace } from '../workspace/store.ts';
import { LayersPanel } from './LayersPanel.tsx';

const server = useMockApi();
const panel = () => within(screen.getByRole('region', { name: 'Layers' }));
const attached = () => panel().queryAllByRole('listitem').filter((li) => li.getAttribute('aria-label')?.startsWith('Attached')).map((li) => li.getAttribute('aria-label'));

describe('LayersPanel', () => {
  it('publishes a zip as a layer version with its description and compatible runtimes', async () => {
    const layers: LayerVersion[] = [];
    const bodies: { name: string; body: PublishLayerBody }[] = [];
    server.use(
      http.get('/api/fc/layers', () => HttpResponse.json({ layers })),
      http.post('/api/fc/layers/:name/versions', async ({ params, request }) => {
        const body = (await request.json()) as PublishLayerBody;
        bodies.push({ name: String(params.name), body });
        const layer = makeLayer({ layerName: String(params.name), description: body.description, compatibleRuntime: body.compatibleRuntime });
        layers.push(layer);
        return HttpResponse.json(layer);
      }),
    );
    useWorkspace.getState().setManifest({ runtime: 'nodejs18' });
    renderWithQuery(<LayersPanel />);
    const form = within(panel().getByRole('form', { name: 'Publish layer version' }));
    await userEvent.type(form.getByRole('textbox', { name: 'Layer name' }), 'greeting');
    await userEvent.type(form.getByRole('textbox', { name: 'Layer description' }), 'the greeting module');
    expect(form.getByRole('checkbox', { name: 'nodejs18' })).toBeChecked();
    await userEvent.click(form.getByRole('checkbox', { name: 'nodejs20' }));
    const zip = new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2])], 'greeting.zip', { type: 'application/zip' });
    await userEvent.upload(form.getByLabelText('Layer zip'), zip);
    await userEvent.click(form.getByRole('button', { name: 'Publish layer' }));
    expect(await form.findByRole('status')).toHaveTextContent('Published greeting version 1.');
    expect(bodies).toEqual([{ name: 'greeting', body: { description: 'the greeting module', code: { zipFile: btoa('\x50\x4b\x03\x04\x01\x02') }, compatibleRuntime: ['nodejs18', 'nodejs20'] } }]);
    expect(await panel().findByRole('listitem', { name: 'Layer greeting' })).toHaveTextContent('nodejs18, nodejs20');
  });

  it("shows FC's refusal of a layer", async () => {
    server.use(http.post('/api/fc/layers/:name/versions', () => fcError(400, 'InvalidArgument', 'code.zipFile: not a zip archive')));
    renderWithQuery(<LayersPanel />);
    const form = within(panel().getByRole('form', { name: 'Publish layer version' }));
    await userEvent.type(form.getByRole('textbox', { name: 'Layer name' }), 'bad');
    await userEvent.upload(form.getByLabelText('Layer zip'), new File(['not a zip'], 'bad.zip'));
    await userEvent.click(form.getByRole('button', { name: 'Publish layer' }));
    expect(await form.findByRole('alert')).toHaveTextContent('InvalidArgument code.zipFile: not a zip archive');
  });

  it('attaches layers in order, reorders and detaches them, and the deploy sends them in that order', async () => {
    server.use(
      http.get('/api/fc/layers', () => HttpResponse.json({ layers: [makeLayer({ layerName: 'libs', version: 2 }), makeLayer({ layerName: 'tools' })] })),
      http.get('/api/fc/layers/libs/versions', () => HttpResponse.json({ layers: [makeLayer({ layerName: 'libs', version: 1, description: 'old' }), makeLayer({ layerName: 'libs', version: 2 })] })),
    );
    renderWithQuery(<LayersPanel />);
    await userEvent.click(await panel().findByRole('button', { name: 'Attach tools version 1' }));
    await userEvent.click(panel().getByRole('button', { name: 'Versions of libs' }));
    await userEvent.click(await panel().findByRole('button', { name: 'Attach libs version 1' }));
    expect(panel().getByRole('button', { name: 'Attach libs version 1' })).toBeDisabled();
    expect(attached()).toEqual(['Attached tools version 1', 'Attached libs version 1']);

    await userEvent.click(panel().getByRole('button', { name: 'Move libs up' }));
    expect(attached()).toEqual(['Attached libs version 1', 'Attached tools version 1']);
    expect(deployRequestOf(useWorkspace.getState().manifest, null).function.layers).toEqual([layerArn('libs', 1), layerArn('tools', 1)]);

    await userEvent.click(panel().getByRole('button', { name: 'Detach libs version 1' }));
    await waitFor(() => expect(attached()).toEqual(['Attached tools version 1']));
    expect(useWorkspace.getState().manifest.layers).toEqual([layerArn('tools', 1)]);
  });
});
