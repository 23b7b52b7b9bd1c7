import type { ImageList, ImageSummary, PullImageRequest } from '../../shared/images-api.ts';
import type { FcErrorBody } from '../../shared/playground-api.ts';
import { ApiError, apiToken, call } from './client.ts';

/** Bytes of an upload sent so far, of all of them. */
export type UploadProgress = { sent: number; total: number };

export const imagesApi = {
  list: () => call<ImageList>('/images'),
  pull: (req: PullImageRequest) => call<{ image: ImageSummary }>('/images/pull', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) }),
  remove: (digest: string) => call<{ freedBytes: number }>(`/images/${encodeURIComponent(digest)}`, { method: 'DELETE' }),
  importArchive,
};

/**
 * Sends an image archive (`docker save` tar, tar.gz or OCI archive) as the raw request body, with
 * the reference to store it under if given. XMLHttpRequest, because it reports upload progress
 * and sends a File from disk as it reads it; fetch can only stream a body over HTTP/2.
 */
function importArchive(file: Blob, opts: { name?: string; onProgress?: (p: UploadProgress) => void; signal?: AbortSignal } = {}): Promise<{ images: ImageSummary[] }> {
  const query = opts.name ? `?${new URLSearchParams({ name: opts.name })}` : '';
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/images/import${query}`);
    xhr.setRequestHeader('x-fnplay-token', apiToken());
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.upload.addEventListener('progress', (e) => opts.onProgress?.({ sent: e.loaded, total: e.lengthComputable ? e.total : file.size }));
    xhr.addEventListener('load', () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        // not JSON: a proxy's page or a cut connection; the status says enough
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as { images: ImageSummary[] });
      const err = body as FcErrorBody | null;
      reject(new ApiError(xhr.status, err?.ErrorCode ?? 'InternalServerError', err?.ErrorMessage ?? `HTTP ${xhr.status}`));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'NetworkError', 'the upload was cut off before the service answered')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'Aborted', 'the upload was cancelled')));
    opts.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}
