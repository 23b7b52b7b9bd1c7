import { useEffect, useMemo, useState } from 'react';
import { setBuildProblems } from '../editor/build-problems.ts';
import { revealInEditor } from '../editor/reveal.ts';
import { useWorkspace } from '../workspace/store.ts';
import { parseBuildOutput, type BuildLine } from './build-output.ts';
import { useAcceleration } from './use-acceleration.ts';
import { useNow } from './use-now.ts';
import './build-output.css';

/**
 * Beside the editor: what became of the deployed code's preparation when there is something to
 * read. A Go build in progress shows as such; a failure shows its output (for Go, the compiler's),
 * each `file.go:LINE:COL:` line a button to that place in the editor. Gone when the code is Ready.
 */
export function BuildOutput() {
  const { status, reason, runtime } = useAcceleration();
  const draftRuntime = useWorkspace((s) => s.manifest.runtime);
  const failed = status === 'Failed';
  // The deployed runtime decides; before the first fetch finds it, the one being deployed does.
  const building = status === 'Preparing' && (runtime ?? draftRuntime) === 'go1';
  const lines = useMemo(() => (failed ? parseBuildOutput(reason ?? 'no reason given') : []), [failed, reason]);

  useEffect(() => {
    setBuildProblems(lines.flatMap((l) => (l.at ? [{ ...l.at, message: l.message }] : [])));
    return () => setBuildProblems([]);
  }, [lines]);

  if (!failed && !building) return null;
  const located = lines.filter((l) => l.at).length;
  return (
    <section aria-label="Build output" className={failed ? 'build-output build-failed' : 'build-output'}>
      <div className="pane-title build-title">
        <h2 className="obs-heading">Build output</h2>
        {failed ? (
          <span className="badge badge-err">{located > 0 ? `${located} ${located === 1 ? 'error' : 'errors'}` : 'Failed'}</span>
        ) : (
          <span className="build-status" role="status">
            Building…
          </span>
        )}
      </div>
      {building ? (
        <BuildProgress />
      ) : (
        <ol className="build-lines" aria-label="Compiler output">
          {lines.map((line, i) => (
            <li key={i}>
              <OutputLine line={line} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** An indeterminate bar (go build says nothing until it ends) and how long it has taken so far. */
function BuildProgress() {
  const [since] = useState(() => Date.now());
  const seconds = Math.floor((useNow(1000) - since) / 1000);
  return (
    <div className="build-running">
      <div className="build-progress" role="progressbar" aria-label="Build progress">
        <span className="build-progress-bar" />
      </div>
      <p className="hint build-note">
        go build is compiling the function{seconds > 0 ? `: ${seconds} s` : ''}. A first build also compiles the standard library; later ones reuse its cache.
      </p>
    </div>
  );
}

function OutputLine({ line }: { line: BuildLine }) {
  const exists = useWorkspace((s) => line.at !== null && line.at.path in s.files);
  if (!line.at) return <span className="build-text">{line.text}</span>;
  const { path, line: ln, column } = line.at;
  const place = `${path}:${ln}:${column}`;
  if (!exists) {
    return (
      <span className="build-text" title={`${path} is not among the editor's files`}>
        {line.text}
      </span>
    );
  }
  return (
    <button type="button" className="build-line" title={`Open ${place}`} aria-label={line.text} onClick={() => revealInEditor(line.at!)}>
      <span className="build-place">{place}</span>
      <span className="build-message">{line.message}</span>
    </button>
  );
}
