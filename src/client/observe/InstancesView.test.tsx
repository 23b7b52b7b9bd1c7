import { describe, expect, it } from 'vitest';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay, http, HttpResponse } from 'msw';
import type { InstanceInfo } from '../../shared/observe.ts';
import { useLive } from '../api/live.ts';
import { makeInstance } from '../mocks/fixtures.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { InstancesView } from './InstancesView.tsx';
import { makeAlias } from '../mocks/fixtures.ts';
import { useQualifier } from '../releases/qualifier.ts';

const server = useMockApi();
const instances = () => within(screen.getByRole('region', { name: 'Instances' }));
const row = (id: string) => within(instances().getByRole('listitem', { name: `Instance ${id}` }));
const apply = (instance: InstanceInfo) => act(() => useLive.getState().apply({ type: 'instance', instance }));

const A = 'c-aaaaaaaa-1111-4111-8111-111111111111';
const B = 'c-bbbbbbbb-2222-4222-8222-222222222222';

describe('InstancesView', () => {
  it('shows instances that started before the page loaded, one timeline row each with its state', async () => {
    server.use(
      http.get('/api/functions/playground/hello/instances', () =>
        HttpResponse.json({ instances: [makeInstance({ instanceId: A, state: 'Frozen' }), makeInstance({ instanceId: B, state: 'Busy', inFlight: 1, concurrency: 4 })] }),
      ),
    );
    renderWithQuery(<InstancesView />);
    await instances().findByRole('listitem', { name: `Instance ${A}` });
    expect(instances().getAllByRole('listitem')).toHaveLength(2);
    expect(row(A).getByText('Frozen')).toHaveClass('badge');
    expect(row(B).getByText('Busy')).toBeInTheDocument();
    expect(row(B).getByText('1/4')).toBeInTheDocument();
    expect(row(A).getByText(/^used 1\ds ago$/)).toBeInTheDocument();
    expect(row(A).getByRole('img', { name: /^Timeline of c-aaaaaaaa: Frozen from/ })).toBeInTheDocument();
  });

  it('follows live state changes, drawing each state as a segment', async () => {
    renderWithQuery(<InstancesView />);
    apply(makeInstance({ instanceId: A, state: 'Starting' }));
    apply(makeInstance({ instanceId: A, state: 'Idle' }));
    apply(makeInstance({ instanceId: A, state: 'Busy', inFlight: 1 }));
    expect(row(A).getByText('Busy')).toBeInTheDocument();
    expect(row(A).getByText('1/1')).toBeInTheDocument();
    const timeline = row(A).getByRole('img', { name: /^Timeline of/ });
    expect(Array.from(timeline.querySelectorAll('rect[data-state]'), (r) => r.getAttribute('data-state'))).toEqual(['Starting', 'Idle', 'Busy']);
  });

  it('keeps a destroyed instance visible, greyed, with nothing drawn after its end', () => {
    renderWithQuery(<InstancesView />);
    apply(makeInstance({ instanceId: A, state: 'Idle' }));
    apply(makeInstance({ instanceId: A, state: 'Destroyed' }));
    const item = instances().getByRole('listitem', { name: `Instance ${A}` });
    expect(item).toHaveClass('inst-gone');
    expect(row(A).getByText('Destroyed')).toBeInTheDocument();
    expect(Array.from(item.querySelectorAll('rect[data-state]'), (r) => r.getAttribute('data-state'))).not.toContain('Destroyed');
    expect(instances().getByText('0 running')).toBeInTheDocument();
  });

  it("ignores other functions' instances", () => {
    renderWithQuery(<InstancesView />);
    apply(makeInstance({ instanceId: A, functionName: 'other' }));
    expect(instances().queryByRole('listitem')).not.toBeInTheDocument();
    expect(instances().getByText(/No instances/)).toBeInTheDocument();
  });

  it('reclaims the instances, showing progress until the service is done', async () => {
    const user = userEvent.setup();
    const calls: string[] = [];
    server.use(
      http.post('/api/functions/:s/:f/reclaim', async ({ params }) => {
        calls.push(`${String(params.s)}/${String(params.f)}`);
        await delay(100);
        return HttpResponse.json({ ok: true });
      }),
    );
    renderWithQuery(<InstancesView />);
    await user.click(instances().getByRole('button', { name: 'Reclaim instances' }));
    const busy = await instances().findByRole('button', { name: /Reclaim instances: reclaiming/ });
    expect(busy).toBeDisabled();
    expect(busy).toHaveTextContent('Reclaiming…');
    expect(await instances().findByRole('button', { name: 'Reclaim instances' })).toBeEnabled();
    expect(calls).toEqual(['playground/hello']);
  });

  it("marks provisioned instances with their version, and shows the picked qualifier's versions only", async () => {
    const C = 'c-cccccccc-3333-4333-8333-333333333333';
    server.use(http.get('/api/fc/services/playground/aliases', () => HttpResponse.json({ aliases: [makeAlias({ aliasName: 'prod', versionId: '1', additionalVersionWeight: { '2': 0.5 } })] })));
    renderWithQuery(<InstancesView />);
    apply(makeInstance({ instanceId: A, qualifier: 'prod', versionId: '1', provisioned: true }));
    apply(makeInstance({ instanceId: B, qualifier: 'prod', versionId: '2' }));
    apply(makeInstance({ instanceId: C }));
    expect(instances().getAllByRole('listitem')).toHaveLength(1);
    expect(row(C).queryByText('provisioned')).not.toBeInTheDocument();

    act(() => useQualifier.getState().setQualifier('prod'));
    await instances().findByRole('listitem', { name: `Instance ${B}` });
    expect(instances().getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual([`Instance ${A}`, `Instance ${B}`]);
    expect(row(A).getByText('provisioned')).toHaveClass('badge');
    expect(row(A).getByText('v1')).toBeInTheDocument();
    expect(row(A).getByRole('img', { name: /^Timeline of c-aaaaaaaa \(provisioned\)/ }).querySelector('rect[data-provisioned]')).not.toBeNull();
    expect(row(B).queryByText('provisioned')).not.toBeInTheDocument();
    expect(row(B).getByText('v2')).toBeInTheDocument();
    expect(row(B).getByRole('img', { name: /^Timeline of c-bbbbbbbb:/ }).querySelector('rect[data-provisioned]')).toBeNull();

    act(() => useQualifier.getState().setQualifier('2'));
    await waitFor(() => expect(instances().getAllByRole('listitem').map((li) => li.getAttribute('aria-label'))).toEqual([`Instance ${B}`]));
  });
});
