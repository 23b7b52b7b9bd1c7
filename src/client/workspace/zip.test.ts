import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { filesToZip, toBase64, zipToFiles } from './zip.ts';

describe('filesToZip → zipToFiles', () => {
  it('keeps contents, exec bits and nested paths', async () => {
    const files = {
      bootstrap: { content: '#!/bin/sh\nexec node server.js\n', executable: true },
      'server.js': { content: 'console.log("hi")\n', executable: false },
      'lib/util/strings.js': { content: 'exports.up = (s) => s.toUpperCase();\n', executable: false },
      'bin/run.sh': { content: '#!/bin/sh\necho run\n', executable: true },
    };
    const back = await zipToFiles(await filesToZip(files));
    expect(back.files).toEqual(files);
    expect(back.folders).toEqual([]);
  });

  it('keeps empty folders, and drops folders that files already imply', async () => {
    const files = { 'index.js': { content: '0', executable: false }, 'src/index.js': { content: '1', executable: false } };
    const back = await zipToFiles(await filesToZip(files, ['empty', 'src', 'deep/er']));
    expect(back.files).toEqual(files);
    expect(back.folders.sort()).toEqual(['deep', 'deep/er', 'empty']);
  });

  // Known bug in zip.ts: the "one top folder" check looks at files only, so files all under src/
  // next to an empty folder are taken for a wrapped zip and lose their src/ prefix. `it.fails` so
  // this flips to red (and should become `it`) once zipToFiles counts folders among the tops.
  it('does not unwrap files that share one folder when other (empty) folders sit beside it', async () => {
    const files = { 'src/index.js': { content: '1', executable: false } };
    const back = await zipToFiles(await filesToZip(files, ['empty']));
    expect(back.files).toEqual(files);
    expect(back.folders).toEqual(['empty']);
  });

  it('writes unix modes FC reads: 755 for executables, 644 otherwise', async () => {
    const zip = await JSZip.loadAsync(
      await filesToZip({ bootstrap: { content: '#!/bin/sh\n', executable: true }, 'a.txt': { content: 'a', executable: false } }),
    );
    expect(Number(zip.files['bootstrap'].unixPermissions) & 0o777).toBe(0o755);
    expect(Number(zip.files['a.txt'].unixPermissions) & 0o777).toBe(0o644);
  });

  it('makes the same bytes for the same files, whatever their insertion order', async () => {
    const a = await filesToZip({ 'a.js': { content: 'a', executable: false }, 'b.js': { content: 'b', executable: true } });
    const b = await filesToZip({ 'b.js': { content: 'b', executable: true }, 'a.js': { content: 'a', executable: false } });
    expect(toBase64(a)).toBe(toBase64(b));
  });
});

describe('zipToFiles', () => {
  it('unwraps a zip whose entries all sit in one top folder (as "compress folder" makes)', async () => {
    const zip = new JSZip();
    zip.folder('my-function');
    zip.file('my-function/index.js', 'exports.handler = () => 1;', { unixPermissions: 0o644 });
    zip.file('my-function/bootstrap', '#!/bin/sh\n', { unixPermissions: 0o755 });
    zip.folder('my-function/empty');
    const back = await zipToFiles(await zip.generateAsync({ type: 'uint8array', platform: 'UNIX' }));
    expect(back.files).toEqual({
      'index.js': { content: 'exports.handler = () => 1;', executable: false },
      bootstrap: { content: '#!/bin/sh\n', executable: true },
    });
    expect(back.folders).toEqual(['empty']);
  });

  it('does not unwrap when files sit at the top next to the folder', async () => {
    const zip = new JSZip();
    zip.file('index.js', 'x');
    zip.file('lib/a.js', 'y');
    const back = await zipToFiles(await zip.generateAsync({ type: 'uint8array' }));
    expect(Object.keys(back.files).sort()).toEqual(['index.js', 'lib/a.js']);
  });

  it('skips macOS resource forks and treats entries without unix modes as not executable', async () => {
    const zip = new JSZip();
    zip.file('index.js', 'x');
    zip.file('__MACOSX/._index.js', 'junk');
    const back = await zipToFiles(await zip.generateAsync({ type: 'uint8array', platform: 'DOS' }));
    expect(back.files).toEqual({ 'index.js': { content: 'x', executable: false } });
  });
});
