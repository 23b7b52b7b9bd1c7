import { describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import type { AccelerationProgress } from '../../shared/observe.ts';
import { useLive } from '../api/live.ts';
import { makeImage, makeImageList } from '../mocks/fixtures.ts';
import { fcError, makeFunctionView } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { ImagePanel } from './ImagePanel.tsx';

const server = useMockApi();
const MB = 1024 * 1024;
const ARM64_PROBLEM = 'image docker.io/library/app:v1 is linux/arm64; FC runs linux/amd64 images: rebuild it with docker build --platform linux/amd64';
const panel = () => within(screen.getByRole('region', { name: 'Image details' }));
const serveImages = (...images: ReturnType<typeof makeImage>[]) => server.use(http.get('/api/images', () => HttpResponse.json(makeImageList(images, { blobBytes: 120 * MB, rootfsBytes: 110 * MB, totalBytes: 230 * MB }))));
const serveFunction = (status: 'Preparing' | 'Ready' | 'Failed', reason?: string) =>
  server.use(http.get('/api/functions/playground/hello', () => HttpResponse.json(makeFunctionView({ runtime: 'custom-container', codeChecksum: '777', accelerationInfo: { status, reason } }))));
const preparing = (progress?: AccelerationProgress) =>
  act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '777', status: 'Preparing', reason: null, progress }));

describe('ImagePanel', () => {
  it("shows how the named image starts, its layers and sizes, and all images' disk use", async () => {
    serveImages(
      makeImage({
        references: ['docker.io/fnplay/app:v1'],
        entrypoint: ['/server'],
        cmd: ['--port', '9000'],
        env: ['PATH=/', 'GREETING=hello'],
        workingDir: '/app',
        user: '1000:1000',
        exposedPorts: ['9000/tcp'],
        size: 40 * MB,
        uncompressedSize: 120 * MB,
        layers: [
          { digest: `sha256:${'1'.repeat(64)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 30 * MB, uncompressedSize: 100 * MB },
          { digest: `sha256:${'2'.repeat(64)}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 10 * MB, uncompressedSize: 20 * MB },
        ],
      }),
      makeImage({ digest: `sha256:${'9'.repeat(64)}`, references: ['docker.io/library/other:v1'] }),
    );
    renderWithQuery(<ImagePanel reference="fnplay/app:v1" />);
    await waitFor(() => expect(panel().getByText('["/server"]')).toBeVisible());
    const fact = (term: string) => panel().getByText(term, { selector: 'dt' }).nextElementSibling!;
    expect(fact('Cmd')).toHaveTextContent('["--port","9000"]');
    expect(fact('Env')).toHaveTextContent('PATH=/GREETING=hello');
    expect(fact('Working dir')).toHaveTextContent('/app');
    expect(fact('User')).toHaveTextContent('1000:1000');
    expect(fact('Exposed ports')).toHaveTextContent('9000/tcp');
    expect(fact('Size')).toHaveTextContent('40 MB (120 MB uncompressed)');
    expect(fact('Platform')).toHaveTextContent('linux/amd64');
    const rows = within(panel().getByRole('table', { name: 'Layers' })).getAllByRole('row');
    expect(rows.map((r) => r.textContent)).toEqual(['#LayerSizeUncompressed', '1sha256:11111111111130 MB100 MB', '2sha256:22222222222210 MB20 MB']);
    expect(panel().getByLabelText('Image disk use')).toHaveTextContent('All images use 230 MB of disk: 120 MB stored, 110 MB unpacked.');
    expect(panel().queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says why FC would refuse the image, with the advice', async () => {
    serveImages(makeImage({ references: ['docker.io/library/app:v1'], architecture: 'arm64', problem: ARM64_PROBLEM }));
    renderWithQuery(<ImagePanel reference="app:v1" />);
    expect(await panel().findByRole('alert')).toHaveTextContent(ARM64_PROBLEM);
  });

  it('says when the image is not in the store yet, and when nothing is named', async () => {
    renderWithQuery(<ImagePanel reference="registry.cn-hangzhou.aliyuncs.com/ns/app:v1" />);
    expect(await panel().findByText(/is not in fnplay's image store: a deploy pulls it/)).toBeVisible();
  });

  it('follows the acceleration live: pulling, each layer unpacked with a bar, then Ready', async () => {
    serveImages(makeImage());
    serveFunction('Preparing');
    renderWithQuery(<ImagePanel reference="registry.cn-hangzhou.aliyuncs.com/fnplay/go-server:v1" />);
    expect(await panel().findByRole('status', { name: 'Image preparation' })).toHaveTextContent('Preparing…');
    preparing({ phase: 'pulling' });
    expect(panel().getByRole('status', { name: 'Image preparation' })).toHaveTextContent(/^Pulling…$/);
    expect(panel().getByRole('progressbar')).not.toHaveAttribute('aria-valuenow');

    preparing({ phase: 'unpacking', layersDone: 1, layers: 5, bytesDone: 34 * MB, bytes: 120 * MB });
    expect(panel().getByRole('status', { name: 'Image preparation' })).toHaveTextContent('Unpacking layer 2 of 5 · 34 MB of 120 MB');
    const bar = panel().getByRole('progressbar', { name: 'Image preparation progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '28');
    preparing({ phase: 'unpacking', layersDone: 4, layers: 5, bytesDone: 90 * MB, bytes: 120 * MB });
    expect(bar).toHaveAttribute('aria-valuenow', '75');

    act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '777', status: 'Ready', reason: null }));
    expect(panel().queryByRole('progressbar')).not.toBeInTheDocument();
    expect(panel().getByText('Ready')).toBeVisible();
  });

  it('shows a failed preparation with its reason', async () => {
    serveImages();
    serveFunction('Preparing');
    renderWithQuery(<ImagePanel reference="ghcr.io/nobody/app:v1" />);
    await panel().findByRole('progressbar');
    act(() => useLive.getState().apply({ type: 'acceleration', serviceName: 'playground', functionName: 'hello', codeChecksum: '777', status: 'Failed', reason: 'image ghcr.io/nobody/app:v1 could not be pulled' }));
    expect(panel().getByRole('alert')).toHaveTextContent('Failed image ghcr.io/nobody/app:v1 could not be pulled');
  });

  it('removes an image no function uses, and refetches the store', async () => {
    let removed = false;
    server.use(
      http.get('/api/images', () => HttpResponse.json(makeImageList(removed ? [] : [makeImage()]))),
      http.delete('/api/images/:digest', () => ((removed = true), HttpResponse.json({ freedBytes: 9 * MB }))),
    );
    renderWithQuery(<ImagePanel reference="registry.cn-hangzhou.aliyuncs.com/fnplay/go-server:v1" />);
    await userEvent.click(await panel().findByRole('button', { name: 'Remove image' }));
    expect(await panel().findByText(/is not in fnplay's image store/)).toBeVisible();
  });

  it('shows the refusal when the image is in use', async () => {
    serveImages(makeImage());
    server.use(http.delete('/api/images/:digest', () => fcError(409, 'ImageInUse', 'image sha256:ab12 is used by function playground/other')));
    renderWithQuery(<ImagePanel reference="registry.cn-hangzhou.aliyuncs.com/fnplay/go-server:v1" />);
    await userEvent.click(await panel().findByRole('button', { name: 'Remove image' }));
    expect(await panel().findByRole('alert')).toHaveTextContent('used by function playground/other');
  });
});
