import { useRef, useState } from 'react';
import { useWorkspace } from '../workspace/store.ts';
import { filesToZip, zipToFiles } from '../workspace/zip.ts';
import { DownloadIcon, UploadIcon } from './icons.tsx';

/** Starts a download of `bytes` named `name`, the way a link with `download` does. */
function saveAs(bytes: Uint8Array, name: string) {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download by the next task; the URL is not needed after it.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Upload zip replaces the workspace's files (the manifest stays); Download zip saves them as FC gets them. */
export function ZipButtons() {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);

  const upload = async (file: File) => {
    // JSZip's own messages ("Can't find end of central directory : is this a zip file ? ...") are
    // long and about its internals; the user needs to know which file and that it is not a zip.
    const read = await zipToFiles(await file.arrayBuffer()).catch(() => null);
    if (!read) return setError(`Could not read ${file.name}: not a valid zip archive`);
    if (Object.keys(read.files).length === 0 && read.folders.length === 0) return setError(`${file.name} holds no files`);
    useWorkspace.getState().load(read);
    setError(null);
  };

  const download = async () => {
    const { files, folders, manifest } = useWorkspace.getState();
    try {
      saveAs(await filesToZip(files, folders), `${manifest.functionName || 'function'}.zip`);
      setError(null);
    } catch (err) {
      setError(`Could not make the zip: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return (
    <div className="zip-buttons">
      <input
        ref={input}
        type="file"
        accept=".zip,application/zip"
        aria-label="Zip file to upload"
        hidden
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = ''; // so choosing the same file again still fires change
          if (file) void upload(file);
        }}
      />
      <button type="button" className="btn btn-icon" aria-label="Upload zip" title="Upload zip: replace the files with a zip's contents" onClick={() => input.current?.click()}>
        <UploadIcon />
      </button>
      <button type="button" className="btn btn-icon" aria-label="Download zip" title="Download zip: the files as FC gets them, exec bits kept" onClick={() => void download()}>
        <DownloadIcon />
      </button>
      {error && (
        <p className="error-text zip-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
