import { lazy, Suspense, useEffect } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { connectLive, useLive } from './api/live.ts';
import { EditorPane } from './editor/EditorPane.tsx';
import { ManifestForm } from './manifest/ManifestForm.tsx';
import { InvokePanel } from './invoke/InvokePanel.tsx';
import { ResultView } from './observe/ResultView.tsx';
import { ExecutionSummary } from './observe/ExecutionSummary.tsx';
import { LogsView } from './observe/LogsView.tsx';
import { InstancesView } from './observe/InstancesView.tsx';
import { HistoryView } from './observe/HistoryView.tsx';
import { AccelerationBadge } from './observe/AccelerationBadge.tsx';
import { BuildOutput } from './observe/BuildOutput.tsx';
import { useWorkspace } from './workspace/store.ts';
import { SandboxNotice } from './SandboxNotice.tsx';

// versions, aliases, layers, timers: below the manifest, not needed for the first paint
const ReleasesColumn = lazy(() => import('./releases/ReleasesColumn.tsx'));
// the async invocation list: its own chunk too, under History
const AsyncPanel = lazy(() => import('./async/AsyncPanel.tsx'));

export function App() {
  useEffect(() => {
    const ac = new AbortController();
    connectLive(ac.signal);
    return () => ac.abort();
  }, []);
  const connected = useLive((s) => s.connected);
  const manifest = useWorkspace((s) => s.manifest);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden>fn</span>
          <span className="brand-name">fnplay</span>
          <span className="brand-sub">Function Compute 2.0 playground</span>
        </div>
        <div className="topbar-fn" aria-label="Current function">
          <code>{manifest.serviceName}/{manifest.functionName}</code>
          <span className="runtime-tag">{manifest.runtime}</span>
          <AccelerationBadge />
        </div>
        <span className={connected ? 'live live-on' : 'live'} role="status" aria-label="Live connection">
          {connected ? 'live' : 'offline'}
        </span>
      </header>
      <SandboxNotice />
      <Group orientation="horizontal" className="main">
        <Panel id="code" defaultSize="42" minSize="20">
          <EditorPane below={<BuildOutput />} />
        </Panel>
        <Separator className="sep-v" />
        <Panel id="config" defaultSize="24" minSize="16">
          <div className="column scroll">
            <InvokePanel />
            <ManifestForm />
            <Suspense fallback={null}>
              <ReleasesColumn />
            </Suspense>
          </div>
        </Panel>
        <Separator className="sep-v" />
        <Panel id="observe" defaultSize="34" minSize="20">
          <Group orientation="vertical">
            <Panel id="result" defaultSize="40" minSize="15">
              <div className="column scroll">
                <ResultView />
                <ExecutionSummary />
              </div>
            </Panel>
            <Separator className="sep-h" />
            <Panel id="logs" defaultSize="35" minSize="10">
              <LogsView />
            </Panel>
            <Separator className="sep-h" />
            <Panel id="instances" defaultSize="25" minSize="10">
              <div className="column scroll">
                <InstancesView />
                <HistoryView />
                <Suspense fallback={null}>
                  <AsyncPanel />
                </Suspense>
              </div>
            </Panel>
          </Group>
        </Panel>
      </Group>
    </div>
  );
}
