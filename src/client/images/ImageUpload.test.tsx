import { describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { makeImage } from '../mocks/fixtures.ts';
import { fcError } from '../mocks/handlers.ts';
import { renderWithQuery, useMockApi } from '../mocks/test-env.tsx';
import { ImageUpload } from './ImageUpload.tsx';

const server = useMockApi();
const archive = (bytes: number) => new File([new Uint8Array(bytes)], 'app.tar', { type: 'application/x-tar' });

/** A handler that holds its answer until the test releases it, so what shows meanwhile can be read. */
function heldImport(answer: () => Response) {
  const seen: { name: string | null; token: string | null; type: string | null }[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  server.use(
    http.post('/api/images/import', async ({ request }) => {
      const url = new URL(request.url);
      // (the body is not checked here: msw cannot read a jsdom File sent by XMLHttpRequest; the
      // stand-in XMLHttpRequest below sees that the File itself is sent)
      seen.push({ name: url.searchParams.get('name'), token: request.headers.get('x-fnplay-token'), type: request.headers.get('content-type') });
      await released;
      return answer();
    }),
  );
  return { seen, release };
}

describe('ImageUpload', () => {
  it('sends the chosen archive as the body, then names the imported image', async () => {
    const imported: string[] = [];
    const { seen, release } = heldImport(() => HttpResponse.json({ images: [makeImage({ references: ['docker.io/fnplay/app:v1'] })] }));
    renderWithQuery(<ImageUpload onImported={(r) => imported.push(r)} />);
    await userEvent.upload(screen.getByLabelText('Upload image archive'), archive(3 * 1024 * 1024));
    await screen.findByRole('progressbar', { name: 'Upload progress' });
    expect(screen.getByText('app.tar')).toBeVisible();
    expect(screen.getByLabelText('Upload image archive')).toBeDisabled();
    await waitFor(() => expect(seen).toEqual([{ name: null, token: '', type: 'application/octet-stream' }]));

    release();
    expect(await screen.findByRole('status')).toHaveTextContent('Imported docker.io/fnplay/app:v1');
    expect(imported).toEqual(['docker.io/fnplay/app:v1']);
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
  });

  it('shows the bytes sent of the total as the upload goes, and can cancel it', async () => {
    // msw reports an upload's progress only with its answer: a stand-in XMLHttpRequest lets the
    // test say how far the upload is
    const xhrs: FakeXhr[] = [];
    vi.stubGlobal('XMLHttpRequest', class extends FakeXhr { constructor() { super(); xhrs.push(this); } });
    try {
      renderWithQuery(<ImageUpload onImported={() => {}} />);
      const file = archive(120 * 1024 * 1024);
      await userEvent.upload(screen.getByLabelText('Upload image archive'), file);
      // the File itself: the browser reads it from disk as it sends, never all of it in memory
      expect(xhrs[0]!.sent).toBe(file);
      expect(xhrs[0]!.url).toBe('POST /api/images/import');
      const bar = await screen.findByRole('progressbar', { name: 'Upload progress' });
      expect(bar).toHaveAttribute('aria-valuenow', '0');
      expect(screen.getByText('0 B of 120 MB')).toBeVisible();
      act(() => xhrs[0]!.progress(34 * 1024 * 1024, 120 * 1024 * 1024));
      expect(bar).toHaveAttribute('aria-valuenow', '28');
      expect(bar).toHaveAttribute('aria-valuetext', '34 MB of 120 MB');
      expect(screen.getByText('34 MB of 120 MB')).toBeVisible();
      act(() => xhrs[0]!.progress(120 * 1024 * 1024, 120 * 1024 * 1024));
      expect(bar).toHaveAttribute('aria-valuenow', '100');
      expect(screen.getByText('120 MB sent · importing…')).toBeVisible();
      await userEvent.click(screen.getByRole('button', { name: 'Cancel upload' }));
      expect(await screen.findByRole('alert')).toHaveTextContent('the upload was cancelled');
      expect(xhrs[0]!.aborted).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('imports under the name typed, and fills the image field with it', async () => {
    const imported: string[] = [];
    const { seen, release } = heldImport(() => HttpResponse.json({ images: [makeImage({ references: ['docker.io/library/app:v2'] })] }));
    release();
    renderWithQuery(<ImageUpload onImported={(r) => imported.push(r)} />);
    await userEvent.type(screen.getByLabelText('Import as'), 'app:v2');
    await userEvent.upload(screen.getByLabelText('Upload image archive'), archive(10));
    await waitFor(() => expect(imported).toEqual(['app:v2']));
    expect(seen[0]!.name).toBe('app:v2');
  });

  it("says why the service refused an archive", async () => {
    server.use(http.post('/api/images/import', () => fcError(400, 'InvalidArgument', 'the archive is not a docker save or OCI archive')));
    const imported: string[] = [];
    renderWithQuery(<ImageUpload onImported={(r) => imported.push(r)} />);
    await userEvent.upload(screen.getByLabelText('Upload image archive'), archive(10));
    expect(await screen.findByRole('alert')).toHaveTextContent('Upload failed: InvalidArgument: the archive is not a docker save or OCI archive');
    expect(imported).toEqual([]);
    // another try is possible at once
    expect(screen.getByLabelText('Upload image archive')).toBeEnabled();
  });

  it('asks for a name when the archive names no image', async () => {
    server.use(http.post('/api/images/import', () => HttpResponse.json({ images: [makeImage({ references: [] })] })));
    renderWithQuery(<ImageUpload onImported={() => {}} />);
    await userEvent.upload(screen.getByLabelText('Upload image archive'), archive(10));
    expect(await screen.findByRole('alert')).toHaveTextContent(/names no image: type a name/);
  });
});

/** Just what ImageUpload uses of XMLHttpRequest, driven by the test. */
class FakeXhr {
  readonly upload = new EventTarget();
  private readonly events = new EventTarget();
  status = 0;
  responseText = '';
  aborted = false;
  url = '';
  sent: unknown = null;
  open(method: string, url: string) {
    this.url = `${method} ${url}`;
  }
  setRequestHeader() {}
  send(body: unknown) {
    this.sent = body;
  }
  addEventListener(type: string, listener: EventListener) {
    this.events.addEventListener(type, listener);
  }
  abort() {
    this.aborted = true;
    this.events.dispatchEvent(new Event('abort'));
  }
  progress(loaded: number, total: number) {
    this.upload.dispatchEvent(Object.assign(new Event('progress'), { loaded, total, lengthComputable: true }));
  }
}
