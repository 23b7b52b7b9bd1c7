import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { renderWithQuery, useMockApi } from './mocks/test-env.tsx';
import { serviceInfo } from './mocks/handlers.ts';
import { SandboxNotice } from './SandboxNotice.tsx';

const server = useMockApi();

describe('SandboxNotice', () => {
  it('says once, calmly, that instances are not isolated and what to install', async () => {
    const notice = 'Instances are not isolated: bubblewrap (bwrap) is not installed. Install bubblewrap and socat.';
    server.use(http.get('/api/info', () => HttpResponse.json(serviceInfo({ kind: 'none', cgroup: 'none', network: 'none', notices: [notice] }))));
    renderWithQuery(<SandboxNotice />);
    await waitFor(() => expect(screen.getByRole('note', { name: 'Sandbox notice' })).toHaveTextContent(notice));
    expect(screen.getAllByRole('note')).toHaveLength(1);
  });

  it('shows nothing while every instance runs in its sandbox', async () => {
    let asked = false;
    server.use(http.get('/api/info', () => ((asked = true), HttpResponse.json(serviceInfo()))));
    renderWithQuery(<SandboxNotice />);
    await waitFor(() => expect(asked).toBe(true));
    expect(screen.queryByRole('note')).toBeNull();
  });
});
