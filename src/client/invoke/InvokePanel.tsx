import { useEffect } from 'react';
import { isContainerRuntime } from '../../shared/function-config.ts';
import { useWorkspace } from '../workspace/store.ts';
import type { HttpMethod } from '../workspace/types.ts';
import { KeyValueRows } from './KeyValueRows.tsx';
import { PayloadEditor } from './PayloadEditor.tsx';
import { RequestUrl } from './RequestUrl.tsx';
import { useDeployInvoke } from './use-deploy-invoke.ts';
import { QualifierSelect } from '../releases/QualifierSelect.tsx';
import { AsyncInvocationId, AsyncSwitch } from './AsyncSwitch.tsx';
import './invoke.css';

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'];

function jsonState(text: string): 'json' | 'text' | 'empty' {
  if (!text.trim()) return 'empty';
  try {
    JSON.parse(text);
    return 'json';
  } catch {
    return 'text';
  }
}

/** Payload or HTTP request, and the two actions: Deploy, and Invoke (which deploys what changed first). */
export function InvokePanel() {
  const manifest = useWorkspace((s) => s.manifest);
  const payload = useWorkspace((s) => s.payload);
  const setPayload = useWorkspace((s) => s.setPayload);
  const req = useWorkspace((s) => s.httpRequest);
  const setReq = useWorkspace((s) => s.setHttpRequest);
  const { deploy, invoke, phase, error } = useDeployInvoke();
  const busy = phase !== 'idle';
  const container = isContainerRuntime(manifest.runtime);

  // Ctrl/Cmd+Enter invokes from anywhere on the page, editor included.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        void invoke();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [invoke]);

  const kind = jsonState(payload);
  return (
    <section aria-label="Invoke" className="pane invoke">
      <h2 className="pane-title">
        Invoke <span className="spacer" />
        <span className="hint">{manifest.functionType === 'http' ? 'HTTP function' : 'Event function'}</span>
      </h2>
      {manifest.functionType === 'http' ? (
        <div className="http-builder">
          <div className="http-line">
            <label className="field">
              <span className="label">Method</span>
              <select className="input" value={req.method} onChange={(e) => setReq({ method: e.target.value as HttpMethod })}>
                {METHODS.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </label>
            <label className="field grow">
              <span className="label">Path</span>
              <input className="input mono" value={req.path} onChange={(e) => setReq({ path: e.target.value })} placeholder="/" />
            </label>
          </div>
          <KeyValueRows label="Query" keyLabel="Query name" valueLabel="Query value" rows={req.query} onChange={(query) => setReq({ query })} />
          <KeyValueRows label="Headers" keyLabel="Header name" valueLabel="Header value" rows={req.headers} onChange={(headers) => setReq({ headers })} />
          <label className="field">
            <span className="label">Body</span>
            <textarea className="input" rows={4} value={req.body} onChange={(e) => setReq({ body: e.target.value })} spellCheck={false} />
          </label>
          <RequestUrl service={manifest.serviceName} fn={manifest.functionName} req={req} />
        </div>
      ) : (
        <PayloadEditor
          label={
            <>
              Event payload <span className={`payload-kind payload-${kind}`}>{kind === 'json' ? 'JSON' : kind === 'text' ? 'bytes' : 'empty'}</span>
            </>
          }
          value={payload}
          onChange={setPayload}
          isJson={kind === 'json'}
        />
      )}
      <div className="actions">
        <button type="button" className="btn" onClick={() => void deploy()} disabled={busy}>
          {phase === 'deploying' ? 'Deploying…' : 'Deploy'}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => void invoke()} disabled={busy} title="Ctrl/Cmd+Enter">
          {phase === 'invoking' ? 'Invoking…' : phase === 'building' ? (container ? 'Preparing image…' : 'Building…') : 'Invoke'}
        </button>
        <AsyncSwitch http={manifest.functionType === 'http'} />
        <QualifierSelect />
        <span className="hint kbd">Ctrl+Enter</span>
      </div>
      <AsyncInvocationId />
      {phase === 'building' && (
        <p role="status" className="hint invoke-building">
          {container ? 'The image is being pulled. The invocation runs once it is here.' : 'The code is being built. The invocation runs once the build is ready.'}
        </p>
      )}
      {error && (
        <div role="alert" className="action-error">
          <strong>{error.code}</strong> {error.message}
          <span className="hint"> ({error.detail ?? (error.action === 'deploy' ? 'deploy failed: nothing was changed' : 'invoke failed')})</span>
        </div>
      )}
    </section>
  );
}
