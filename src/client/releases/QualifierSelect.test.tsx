import { describe, expect, it } from 'vitest';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { InvokePanel } from '../invoke/InvokePanel.tsx';
import { useSession } from '../invoke/session.ts';
import { makeAlias, makeRecord, makeVersion } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { useWorkspace } from '../workspace/store.ts';
import { useQualifier } from './qualifier.ts';

const server = useMockApi();
const select = () => screen.getByRole('combobox', { name: 'Qualifier' });

function serveReleases() {
  server.use(
    http.get('/api/fc/services/playground/versions', () => HttpResponse.json({ versions: [makeVersion({ versionId: '2', description: 'french' }), makeVersion({ versionId: '1' })] })),
    http.get('/api/fc/services/playground/aliases', () => HttpResponse.json({ aliases: [makeAlias({ aliasName: 'prod', versionId: '1', additionalVersionWeight: { '2': 0.5 } })] })),
  );
}

describe('QualifierSelect', () => {
  it('offers LATEST, each version and each alias', async () => {
    serveReleases();
    renderWithQuery(<InvokePanel />);
    await waitFor(() => expect(within(select()).getAllByRole('option')).toHaveLength(4), { timeout: 3000 });
    expect(within(select()).getAllByRole('option').map((o) => o.textContent)).toEqual(['LATEST', 'version 2 · french', 'version 1', 'prod → 1 + 2']);
    expect(select()).toHaveValue('LATEST');
  });

  it('invokes at the picked qualifier: the service segment becomes service.qualifier', async () => {
    serveReleases();
    const paths: string[] = [];
    useWorkspace.getState().markDeployed({ code: 'x', manifest: 'y' });
    server.use(
      http.put('/api/deploy', () => HttpResponse.json({ functionName: 'hello', accelerationInfo: { status: 'Ready' } })),
      http.post('/api/invoke/:s/:f', ({ params }) => {
        paths.push(`${String(params.s)}/${String(params.f)}`);
        return HttpResponse.json({ statusCode: 200, headers: {}, bodyBase64: btoa('ok'), record: makeRecord({ qualifier: String(params.s).split('.')[1] ?? 'LATEST' }) });
      }),
    );
    renderWithQuery(<InvokePanel />);
    await waitFor(() => expect(within(select()).getAllByRole('option')).toHaveLength(4), { timeout: 3000 });
    await userEvent.selectOptions(select(), 'prod');
    expect(useQualifier.getState().qualifier).toBe('prod');
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    await waitFor(() => expect(useSession.getState().result?.record.qualifier).toBe('prod'));
    await userEvent.selectOptions(select(), '2');
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    await userEvent.selectOptions(select(), 'LATEST');
    await userEvent.click(screen.getByRole('button', { name: 'Invoke' }));
    await waitFor(() => expect(paths).toHaveLength(3));
    expect(paths).toEqual(['playground.prod/hello', 'playground.2/hello', 'playground/hello']);
  });

  it('falls back to LATEST when the picked alias is gone', async () => {
    useQualifier.setState({ qualifier: 'canary' });
    renderWithQuery(<InvokePanel />);
    await waitFor(() => expect(useQualifier.getState().qualifier).toBe('LATEST'));
    expect(select()).toHaveValue('LATEST');
  });
});
