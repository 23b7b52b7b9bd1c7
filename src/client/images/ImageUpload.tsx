import { useId, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/client.ts';
import { imagesApi, type UploadProgress } from '../api/images.ts';
import { formatSize } from '../observe/format.ts';
import { imageKeys } from './queries.ts';
import { shortDigest } from './image-reference.ts';
import './images.css';

type Upload =
  | { phase: 'idle' }
  | { phase: 'sending'; file: string; progress: UploadProgress; abort: AbortController }
  | { phase: 'done'; reference: string; digest: string }
  | { phase: 'failed'; message: string };

/**
 * An image built with `docker build`, brought in as `docker save` writes it (or an OCI archive):
 * the file goes to the service as it is read from disk, with the bytes sent shown, and the image
 * field then names what was imported. The name, when given, is the reference it is stored under.
 */
export function ImageUpload(props: { onImported(reference: string): void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [upload, setUpload] = useState<Upload>({ phase: 'idle' });
  const fileInput = useRef<HTMLInputElement>(null);
  const nameId = useId();

  const send = async (file: File) => {
    const abort = new AbortController();
    setUpload({ phase: 'sending', file: file.name, progress: { sent: 0, total: file.size }, abort });
    try {
      const wanted = name.trim();
      const { images } = await imagesApi.importArchive(file, {
        name: wanted || undefined,
        signal: abort.signal,
        onProgress: (progress) => setUpload((u) => (u.phase === 'sending' ? { ...u, progress } : u)),
      });
      void queryClient.invalidateQueries({ queryKey: imageKeys.list });
      const image = images[0];
      const reference = wanted || image?.references[0];
      if (!image || !reference) {
        setUpload({ phase: 'failed', message: 'the archive names no image: type a name for it (like app:v1) and upload it again' });
        return;
      }
      setUpload({ phase: 'done', reference, digest: image.digest });
      props.onImported(reference);
    } catch (err) {
      setUpload({ phase: 'failed', message: err instanceof ApiError ? `${err.code}: ${err.message}` : String(err) });
    } finally {
      // the same file chosen again is a new upload
      if (fileInput.current) fileInput.current.value = '';
    }
  };

  const sending = upload.phase === 'sending';
  return (
    <div className="img-upload" role="group" aria-label="Image archive">
      <div className="img-upload-row">
        <label className="field grow">
          <span className="label">Import as</span>
          <input
            id={nameId}
            className="input mono"
            spellCheck={false}
            autoComplete="off"
            placeholder="the name in the archive"
            value={name}
            disabled={sending}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className={sending ? 'btn btn-small img-upload-btn is-disabled' : 'btn btn-small img-upload-btn'}>
          Upload image archive
          <input
            ref={fileInput}
            type="file"
            className="visually-hidden"
            accept=".tar,.tar.gz,.tgz,.oci,application/x-tar,application/gzip"
            disabled={sending}
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) void send(file);
            }}
          />
        </label>
      </div>
      <p className="hint img-upload-hint">
        <code>docker save -o app.tar IMAGE</code>, then upload app.tar here (or run <code>fnplay image import app.tar --name IMAGE</code>).
      </p>
      {upload.phase === 'sending' && <UploadBar file={upload.file} progress={upload.progress} onCancel={() => upload.abort.abort()} />}
      {upload.phase === 'done' && (
        <p role="status" className="img-upload-done">
          Imported <code>{upload.reference}</code> <span className="hint">({shortDigest(upload.digest)})</span>
        </p>
      )}
      {upload.phase === 'failed' && (
        <p role="alert" className="error-text">
          Upload failed: {upload.message}
        </p>
      )}
    </div>
  );
}

function UploadBar(props: { file: string; progress: UploadProgress; onCancel(): void }) {
  const { sent, total } = props.progress;
  const percent = total > 0 ? Math.min(100, Math.round((sent / total) * 100)) : 0;
  // all bytes sent: the service is reading the archive (checking, storing its layers)
  const text = sent >= total && total > 0 ? `${formatSize(total)} sent · importing…` : `${formatSize(sent)} of ${formatSize(total)}`;
  return (
    <div className="img-upload-progress">
      <div className="img-upload-progress-line">
        <code className="img-upload-file">{props.file}</code>
        <span className="img-upload-bytes">{text}</span>
        <button type="button" className="btn btn-small" onClick={props.onCancel}>
          Cancel upload
        </button>
      </div>
      <div className="accel-bar" role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={text}>
        <span className="accel-bar-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
