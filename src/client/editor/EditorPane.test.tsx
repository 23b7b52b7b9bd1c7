import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { filesToZip, zipToFiles } from '../workspace/zip.ts';
import { EditorPane } from './EditorPane.tsx';
import { givenWorkspace, workspace } from './test-workspace.ts';

// Monaco cannot run in jsdom: the lazily imported mount is replaced by a stand-in.
const mount = vi.hoisted(() => ({ mountEditor: vi.fn(), dispose: vi.fn() }));
vi.mock('./monaco-mount.ts', () => ({ mountEditor: mount.mountEditor }));

beforeEach(() => {
  givenWorkspace({ 'index.js': 'exports.handler = 1;' });
  workspace().setManifest({ serviceName: 'svc', functionName: 'my-fn', runtime: 'nodejs20', memorySize: 512 });
  mount.mountEditor.mockReset().mockImplementation(() => ({ dispose: mount.dispose }));
  mount.dispose.mockReset();
});

describe('EditorPane', () => {
  it('is the Code region, with the tree and the editor loaded after the shell', async () => {
    const { unmount } = render(<EditorPane />);
    const region = screen.getByRole('region', { name: 'Code' });
    expect(region).toContainElement(screen.getByRole('tree', { name: 'Files' }));
    await waitFor(() => expect(mount.mountEditor).toHaveBeenCalledTimes(1));
    expect(screen.queryByText('Loading editor…')).toBeNull();
    unmount();
    expect(mount.dispose).toHaveBeenCalledTimes(1);
  });

  it('says so when the editor cannot load', async () => {
    mount.mountEditor.mockImplementation(() => {
      throw new Error('chunk failed');
    });
    render(<EditorPane />);
    expect(await screen.findByRole('alert')).toHaveTextContent('The editor could not load: chunk failed');
  });

  it('loads the custom runtime template: an executable bootstrap, server.js, runtime custom', async () => {
    const user = userEvent.setup();
    render(<EditorPane />);
    await user.selectOptions(screen.getByLabelText('Template'), 'Custom Runtime (bootstrap + server.js)');
    await user.click(screen.getByRole('button', { name: 'Use template' }));
    const ws = workspace();
    expect(Object.keys(ws.files).sort()).toEqual(['bootstrap', 'server.js']);
    expect(ws.files.bootstrap.executable).toBe(true);
    expect(ws.files.bootstrap.content.startsWith('#!/bin/sh\n')).toBe(true);
    expect(ws.manifest.runtime).toBe('custom');
    // The template changes what the function is, not which function it is.
    expect(ws.manifest).toMatchObject({ serviceName: 'svc', functionName: 'my-fn' });
    expect(ws.openFile).toBe('bootstrap');
    expect(screen.getByRole('treeitem', { name: 'bootstrap' })).toHaveAccessibleDescription(/executable/);
  });

  it('loads the HTTP template as an HTTP function with GET and POST', async () => {
    const user = userEvent.setup();
    render(<EditorPane />);
    await user.selectOptions(screen.getByLabelText('Template'), 'Node.js HTTP function');
    await user.click(screen.getByRole('button', { name: 'Use template' }));
    expect(workspace().manifest).toMatchObject({ runtime: 'nodejs20', functionType: 'http', httpMethods: ['GET', 'POST'], handler: 'index.handler' });
    expect(workspace().files['index.js'].content).toContain('(request, response, context)');
  });

  it('loads the Go templates from their group: main.go, shown as Go, runtime go1 with handler main', async () => {
    const user = userEvent.setup();
    render(<EditorPane below={<p>below the editor</p>} />);
    const go = within(screen.getByLabelText('Template')).getByRole('group', { name: 'Go' });
    expect(within(go).getAllByRole('option').map((o) => o.textContent)).toEqual(['Go event function', 'Go HTTP function', 'Go with Initializer + PreStop']);
    await user.selectOptions(screen.getByLabelText('Template'), 'Go with Initializer + PreStop');
    await user.click(screen.getByRole('button', { name: 'Use template' }));
    expect(Object.keys(workspace().files)).toEqual(['main.go']);
    expect(workspace().openFile).toBe('main.go');
    expect(workspace().manifest).toMatchObject({ runtime: 'go1', handler: 'main', functionType: 'event', initializer: 'initialize', preStopHandler: 'preStop', serviceName: 'svc', functionName: 'my-fn' });
    expect(screen.getByText('main.go', { selector: '.editor-file-path' })).toBeVisible();
    expect(screen.getByText('go', { selector: '.editor-file-lang' })).toBeVisible();
    expect(screen.getByRole('region', { name: 'Code' })).toContainElement(screen.getByText('below the editor'));
  });

  it('uploads a zip: its files (and exec bits) replace the workspace, the manifest stays', async () => {
    const user = userEvent.setup();
    render(<EditorPane />);
    const zip = await filesToZip(
      { bootstrap: { content: '#!/bin/sh\n', executable: true }, 'src/app.js': { content: 'app', executable: false } },
      ['empty'],
    );
    await user.upload(screen.getByLabelText('Zip file to upload'), new File([zip as BlobPart], 'code.zip', { type: 'application/zip' }));
    await waitFor(() => expect(Object.keys(workspace().files).sort()).toEqual(['bootstrap', 'src/app.js']));
    expect(workspace().files.bootstrap.executable).toBe(true);
    expect(workspace().folders).toEqual(['empty']);
    expect(workspace().manifest).toMatchObject({ functionName: 'my-fn', memorySize: 512 });
    expect(screen.getByRole('treeitem', { name: 'empty' })).toBeInTheDocument();
  });

  it('explains an upload that is not a zip, and keeps the files', async () => {
    const user = userEvent.setup();
    render(<EditorPane />);
    await user.upload(screen.getByLabelText('Zip file to upload'), new File(['not a zip'], 'notes.zip'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not read notes.zip: not a valid zip archive');
    expect(Object.keys(workspace().files)).toEqual(['index.js']);
  });

  it('refuses an empty zip rather than emptying the workspace', async () => {
    const user = userEvent.setup();
    render(<EditorPane />);
    await user.upload(screen.getByLabelText('Zip file to upload'), new File([(await filesToZip({})) as BlobPart], 'empty.zip'));
    expect(await screen.findByRole('alert')).toHaveTextContent('empty.zip holds no files');
    expect(Object.keys(workspace().files)).toEqual(['index.js']);
  });

  describe('Download zip', () => {
    afterEach(() => vi.restoreAllMocks());

    it('saves the files as <functionName>.zip', async () => {
      const blobs: Blob[] = [];
      const downloads: string[] = [];
      Object.assign(URL, { createObjectURL: vi.fn((b: Blob) => (blobs.push(b), 'blob:zip')), revokeObjectURL: vi.fn() });
      vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        downloads.push(this.download);
      });
      givenWorkspace({ bootstrap: { content: '#!/bin/sh\n', executable: true }, 'a.txt': 'a' });
      const user = userEvent.setup();
      render(<EditorPane />);
      await user.click(screen.getByRole('button', { name: 'Download zip' }));
      await waitFor(() => expect(downloads).toEqual(['my-fn.zip']));
      const back = await zipToFiles(new Uint8Array(await blobs[0].arrayBuffer()));
      expect(back.files).toEqual(workspace().files);
    });
  });
});
