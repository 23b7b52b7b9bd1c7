import { useId, useMemo, useState } from 'react';
import type { PlaygroundInvokeResponse } from '../../shared/playground-api.ts';
import { parseErrorBody, previewBody } from './body-preview.ts';
import { header } from './badges.ts';
import { formatBytes } from './format.ts';

/** The function's answer: the error when it failed, else the body; the headers on demand. */
export function ResponseDetails({ result }: { result: PlaygroundInvokeResponse }) {
  const [showHeaders, setShowHeaders] = useState(false);
  const headersId = useId();
  const errorType = header(result.headers, 'x-fc-error-type');
  const errorBody = useMemo(() => (errorType ? parseErrorBody(result.bodyBase64) : null), [errorType, result.bodyBase64]);
  const headerRows = Object.entries(result.headers).sort(([a], [b]) => a.localeCompare(b));

  return (
    <>
      {errorBody ? <FunctionError body={errorBody} /> : <Body result={result} />}
      <div className="result-headers-bar">
        <button type="button" className="btn btn-small" aria-expanded={showHeaders} aria-controls={headersId} onClick={() => setShowHeaders((v) => !v)}>
          Show headers
        </button>
        <span className="hint">{headerRows.length} response headers</span>
      </div>
      {showHeaders && (
        <dl id={headersId} className="kv result-headers" aria-label="Response headers">
          {headerRows.map(([k, v]) => (
            <div key={k} className="kv-row">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </>
  );
}

function FunctionError({ body }: { body: NonNullable<ReturnType<typeof parseErrorBody>> }) {
  const stack = Array.isArray(body.stackTrace) ? body.stackTrace.join('\n') : body.stackTrace;
  return (
    <div className="result-error">
      {body.errorType && <div className="result-error-type">{body.errorType}</div>}
      <p className="result-error-message">{body.errorMessage}</p>
      {stack && <pre className="result-stack" aria-label="Stack trace">{stack}</pre>}
    </div>
  );
}

function Body({ result }: { result: PlaygroundInvokeResponse }) {
  const preview = useMemo(() => previewBody(result.bodyBase64, header(result.headers, 'content-type')), [result]);
  switch (preview.kind) {
    case 'empty':
      return <p className="hint">Empty body.</p>;
    case 'json':
    case 'text':
      return <pre className={`result-body result-body-${preview.kind}`} aria-label="Response body">{preview.text}</pre>;
    case 'image':
      return (
        <figure className="result-image">
          <img src={preview.dataUrl} alt={`Response body: ${preview.mime} image`} />
          <figcaption className="hint">{preview.mime}, {formatBytes(preview.size)}</figcaption>
        </figure>
      );
    case 'binary':
      return (
        <>
          <p className="hint">Binary body, {formatBytes(preview.size)}{preview.size > 256 ? ' (first 256 bytes)' : ''}:</p>
          <pre className="result-body result-hex" aria-label="Response body">{preview.hex}</pre>
        </>
      );
  }
}
