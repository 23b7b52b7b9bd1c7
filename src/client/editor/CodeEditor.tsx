import { useEffect, useRef, useState } from 'react';
import { useWorkspace } from '../workspace/store.ts';

type LoadState = { phase: 'loading' } | { phase: 'ready' } | { phase: 'failed'; message: string };

/**
 * The Monaco area. Monaco (several MB with its workers) is imported only here, after the shell has
 * painted; until then, and if it fails to load, this says so in place of the editor.
 */
export function CodeEditor() {
  const host = useRef<HTMLDivElement>(null);
  const [load, setLoad] = useState<LoadState>({ phase: 'loading' });
  const openFile = useWorkspace((s) => s.openFile);
  const hasOpenFile = useWorkspace((s) => s.openFile !== null && s.openFile in s.files);

  useEffect(() => {
    const mounted: { cancelled: boolean; dispose?: () => void } = { cancelled: false };
    import('./monaco-mount.ts')
      .then(({ mountEditor }) => {
        if (mounted.cancelled || !host.current) return;
        mounted.dispose = mountEditor(host.current).dispose;
        setLoad({ phase: 'ready' });
      })
      .catch((err: unknown) => {
        if (!mounted.cancelled) setLoad({ phase: 'failed', message: err instanceof Error ? err.message : String(err) });
      });
    return () => {
      mounted.cancelled = true;
      mounted.dispose?.();
    };
  }, []);

  return (
    <div className="code-editor" data-open-file={openFile ?? ''}>
      <div ref={host} className="monaco-host" />
      {load.phase === 'loading' && (
        <p className="editor-overlay hint" role="status">
          Loading editor…
        </p>
      )}
      {load.phase === 'failed' && (
        <p className="editor-overlay error-text" role="alert">
          The editor could not load: {load.message}
        </p>
      )}
      {load.phase === 'ready' && !hasOpenFile && <p className="editor-overlay hint">No file open. Pick one in the tree, or create one.</p>}
    </div>
  );
}
