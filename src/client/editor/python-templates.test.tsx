import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { RUNTIMES } from '../../shared/function-config.ts';
import { InvokePanel } from '../invoke/InvokePanel.tsx';
import { ManifestForm } from '../manifest/ManifestForm.tsx';
import { makeRecord } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { useWorkspace } from '../workspace/store.ts';
import { zipToFiles } from '../workspace/zip.ts';
import { EditorPane } from './EditorPane.tsx';

// Monaco cannot run in jsdom: the lazily imported mount is replaced by a stand-in.
vi.mock('./monaco-mount.ts', () => ({ mountEditor: () => ({ dispose() {} }) }));

const server = useMockApi();
const hasPython = RUNTIMES.some((r) => r.startsWith('python'));

/** The page's code, manifest and invoke panes, with the deploy and invoke the service would answer. */
function renderPage() {
  const deploys: { function: Record<string, unknown>; zipFile: string | null }[] = [];
  const invokes: unknown[] = [];
  server.use(
    http.get('/api/functions/:s/:f', () => HttpResponse.json(null)),
    http.put('/api/deploy', async ({ request }) => {
      deploys.push((await request.json()) as (typeof deploys)[number]);
      return HttpResponse.json({ functionName: 'hello', accelerationInfo: { status: 'Ready' } });
    }),
    http.post('/api/invoke/:s/:f', async ({ request }) => {
      invokes.push(await request.json().catch(() => null));
      return HttpResponse.json({ statusCode: 200, headers: {}, bodyBase64: btoa('{"ok": true}'), record: makeRecord() });
    }),
  );
  renderWithQuery(
    <>
      <EditorPane />
      <ManifestForm />
      <InvokePanel />
    </>,
  );
  return { user: userEvent.setup(), deploys, invokes, form: within(screen.getByRole('region', { name: 'Manifest' })) };
}

const zipEntries = async (zipFile: string) => Object.keys((await zipToFiles(Uint8Array.from(atob(zipFile), (c) => c.charCodeAt(0)))).files).sort();

describe('the Python templates in the page', () => {
  it.skipIf(hasPython)('are not offered while the service runs no Python', () => {
    renderPage();
    expect(within(screen.getByLabelText('Template')).queryByRole('group', { name: 'Python' })).toBeNull();
  });

  it.skipIf(!hasPython)('are offered under Python, and the event one deploys index.py as python3.10 with a valid manifest', async () => {
    const { user, deploys, form } = renderPage();
    const picker = screen.getByLabelText('Template');
    const group = picker.querySelector('optgroup[label="Python"]')!;
    expect([...group.querySelectorAll('option')].map((o) => o.textContent)).toEqual([
      'Python event function',
      'Python HTTP function (WSGI)',
      'Python with Initializer + PreFreeze + PreStop',
    ]);
    await user.selectOptions(picker, 'Python event function');
    await user.click(screen.getByRole('button', { name: 'Use template' }));
    expect(form.getByLabelText('Runtime')).toHaveValue('python3.10');
    expect(form.getByLabelText('Handler')).toHaveValue('index.handler');
    expect(form.getByLabelText('Initializer')).toHaveAttribute('placeholder', 'index.initialize');
    expect(screen.getByRole('treeitem', { name: /index\.py/ })).toBeInTheDocument();
    // every field valid: nothing marked
    expect(screen.getByRole('region', { name: 'Manifest' }).querySelectorAll('[aria-invalid="true"]')).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(deploys).toHaveLength(1));
    expect(deploys[0]!.function).toMatchObject({ runtime: 'python3.10', handler: 'index.handler' });
    expect(await zipEntries(deploys[0]!.zipFile!)).toEqual(['index.py']);
  });

  it.skipIf(!hasPython)('the WSGI one is an HTTP function, invoked with the request builder', async () => {
    const { user, deploys, invokes, form } = renderPage();
    await user.selectOptions(screen.getByLabelText('Template'), 'Python HTTP function (WSGI)');
    await user.click(screen.getByRole('button', { name: 'Use template' }));
    expect(form.getByLabelText('Function type')).toHaveValue('http');
    await user.clear(screen.getByLabelText('Path'));
    await user.type(screen.getByLabelText('Path'), '/orders/42');
    await user.click(screen.getByRole('button', { name: 'Invoke' }));
    await waitFor(() => expect(invokes).toHaveLength(1));
    expect(deploys[0]!.function).toMatchObject({ runtime: 'python3.10', handler: 'index.handler' });
    expect(invokes[0]).toMatchObject({ path: '/orders/42' });
  });

  it.skipIf(!hasPython)('the lifecycle one sets all three hooks as FC names Python functions', async () => {
    const { user, deploys } = renderPage();
    await user.selectOptions(screen.getByLabelText('Template'), 'Python with Initializer + PreFreeze + PreStop');
    await user.click(screen.getByRole('button', { name: 'Use template' }));
    expect(useWorkspace.getState().manifest).toMatchObject({ initializer: 'index.initialize', preFreezeHandler: 'index.pre_freeze', preStopHandler: 'index.pre_stop' });
    await user.click(screen.getByRole('button', { name: 'Deploy' }));
    await waitFor(() => expect(deploys).toHaveLength(1));
    expect(deploys[0]!.function).toMatchObject({
      initializer: 'index.initialize',
      instanceLifecycleConfig: { preFreeze: { handler: 'index.pre_freeze' }, preStop: { handler: 'index.pre_stop' } },
    });
  });
});
