import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { DeployRequest } from '../../shared/playground-api.ts';
import { InvokePanel } from '../invoke/InvokePanel.tsx';
import { makeImage, makeImageList, makeRecord } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { deployRequestOf } from '../workspace/deploy-request.ts';
import { useWorkspace } from '../workspace/store.ts';
import { ManifestForm } from './ManifestForm.tsx';

const server = useMockApi();
const manifest = () => useWorkspace.getState().manifest;
const setup = () => {
  const user = userEvent.setup();
  renderWithQuery(<ManifestForm />);
  return { user, form: within(screen.getByRole('region', { name: 'Manifest' })) };
};

describe('ManifestForm for custom-container', () => {
  it('offers custom-container in a group of its own, and shows the image settings only for it', async () => {
    const { user, form } = setup();
    const runtime = form.getByLabelText('Runtime');
    expect(within(runtime).getByRole('group', { name: 'Custom container' })).toContainElement(within(runtime).getByRole('option', { name: 'custom-container' }));
    expect(form.queryByLabelText('Image')).not.toBeInTheDocument();
    await user.selectOptions(runtime, 'custom-container');
    const group = within(form.getByRole('group', { name: 'Container image' }));
    for (const label of ['Image', 'Command', 'Args', 'Listening port', 'Image acceleration', 'Web server mode', 'ACR instance ID']) expect(group.getByLabelText(label)).toBeInTheDocument();
    expect(group.getByLabelText('Upload image archive')).toHaveAttribute('type', 'file');
    expect(group.getByLabelText('Web server mode')).toBeChecked();
    await user.selectOptions(runtime, 'nodejs20');
    expect(form.queryByRole('group', { name: 'Container image' })).not.toBeInTheDocument();
  });

  it("edits command and args as words and deploys them as FC's JSON-array strings", async () => {
    const { user, form } = setup();
    await user.selectOptions(form.getByLabelText('Runtime'), 'custom-container');
    await user.type(form.getByLabelText('Image'), 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1');
    await user.type(form.getByLabelText('Command'), '/server --greeting "hello world"');
    await user.type(form.getByLabelText('Args'), '--port 9000');
    await user.selectOptions(form.getByLabelText('Image acceleration'), 'None');
    await user.click(form.getByLabelText('Web server mode'));
    expect(manifest()).toMatchObject({ containerCommand: ['/server', '--greeting', 'hello world'], containerArgs: ['--port', '9000'], accelerationType: 'None', webServerMode: false });
    const req = deployRequestOf(manifest(), 'zip-that-is-not-sent');
    expect(req.zipFile).toBeNull();
    expect(req.function.customContainerConfig).toEqual({
      image: 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1', command: '["/server","--greeting","hello world"]', args: '["--port","9000"]', accelerationType: 'None', webServerMode: false,
    });
    expect(req.function).not.toHaveProperty('customRuntimeConfig');
    expect(req.function.caPort).toBe(9000);
  });

  it("sends '' for an empty command, which runs the image's own ENTRYPOINT", async () => {
    const { user, form } = setup();
    await user.selectOptions(form.getByLabelText('Runtime'), 'custom-container');
    expect(form.getByLabelText('Command')).toHaveAttribute('placeholder', "the image's ENTRYPOINT");
    useWorkspace.getState().setManifest({ image: 'app:v1' });
    expect(deployRequestOf(manifest(), null).function.customContainerConfig).toMatchObject({ command: '', args: '' });
  });

  it('shows words that came in as a JSON string from an import, and follows outside changes', async () => {
    const { user, form } = setup();
    await user.selectOptions(form.getByLabelText('Runtime'), 'custom-container');
    useWorkspace.getState().setManifest({ containerCommand: ['python', 'app.py'], containerArgs: ['--name', 'two words'] });
    await waitFor(() => expect(form.getByLabelText('Command')).toHaveValue('python app.py'));
    expect(form.getByLabelText('Args')).toHaveValue('--name "two words"');
  });

  it('says what is wrong with the image field under it', async () => {
    const { user, form } = setup();
    await user.selectOptions(form.getByLabelText('Runtime'), 'custom-container');
    const image = form.getByLabelText('Image');
    expect(image).toHaveAttribute('aria-invalid', 'true');
    expect(image).toHaveAccessibleDescription('required');
    await user.type(image, 'my app:v1');
    expect(image).toHaveAccessibleDescription('must not contain spaces');
    await user.clear(image);
    await user.type(image, 'app:v1');
    expect(image).not.toHaveAttribute('aria-invalid');
    await user.clear(form.getByLabelText('Listening port'));
    await user.type(form.getByLabelText('Listening port'), '0');
    expect(form.getByLabelText('Listening port')).toHaveAccessibleDescription('must be at least 1');
  });

  it('deploys without code and invokes the image', async () => {
    const deploys: DeployRequest[] = [];
    server.use(
      http.put('/api/deploy', async ({ request }) => {
        deploys.push((await request.json()) as DeployRequest);
        return HttpResponse.json({ functionName: 'hello', accelerationInfo: { status: 'Preparing' } });
      }),
      http.post('/api/invoke/:s/:f', () => HttpResponse.json({ statusCode: 200, headers: {}, bodyBase64: btoa('{"hello":"fnplay"}'), record: makeRecord() })),
      http.get('/api/images', () => HttpResponse.json(makeImageList([makeImage()]))),
    );
    useWorkspace.getState().setManifest({ runtime: 'custom-container', image: 'registry.cn-hangzhou.aliyuncs.com/fnplay/go-server:v1' });
    renderWithQuery(<InvokePanel />);
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    await waitFor(() => expect(deploys).toHaveLength(1));
    expect(deploys[0]!.zipFile).toBeNull();
    expect(deploys[0]!.function).toMatchObject({ runtime: 'custom-container', customContainerConfig: { image: 'registry.cn-hangzhou.aliyuncs.com/fnplay/go-server:v1', command: '', args: '' } });
    // editing the README beside it changes nothing that is deployed
    useWorkspace.getState().setFileContent('README.md', 'notes');
    await userEvent.click(screen.getByRole('button', { name: 'Deploy' }));
    expect(deploys).toHaveLength(1);
  });
});
