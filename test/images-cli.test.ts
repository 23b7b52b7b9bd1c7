// `fnplay image import` as users run it: a child process (bin/fnplay.js) streaming an archive to
// a running service, signed with keys from the environment or the data dir's credentials.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageList } from '../src/shared/images-api.ts';
import { buildTestImages, exportImage, missingImageTools } from './helpers/oci-images.ts';
import { ACCOUNT_ID, playground, startTestService, TEST_KEYS, type TestService } from './helpers/service.ts';

const ROOT = join(import.meta.dirname, '..');
const missing = missingImageTools();

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/fnplay.js image …` with only the environment given (no keys of the caller's). */
function fnplayImage(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  const child = spawn(process.execPath, ['bin/fnplay.js', 'image', ...args], { cwd: ROOT, env: base, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const keyEnv = { FNPLAY_ACCESS_KEY_ID: TEST_KEYS.accessKeyId, FNPLAY_ACCESS_KEY_SECRET: TEST_KEYS.accessKeySecret };

describe.skipIf(missing.length > 0)(`fnplay image import${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
  let dir: string;
  let svc: TestService;
  const archives: Record<string, string> = {};
  const listed = async () => ((await playground(svc)('/images')).body as ImageList).images;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-images-cli-'));
    const { layout, tags } = await buildTestImages(dir, { go: false });
    archives.unnamed = await exportImage(layout, tags.busybox, 'docker-archive', join(dir, 'unnamed.tar'));
    archives.named = await exportImage(layout, tags.nonRoot, 'oci-archive', join(dir, 'named.tar'), 'example.com/team/non-root:v2');
    svc = await startTestService();
  }, 120_000);

  afterAll(async () => {
    await svc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('imports an archive under --name, printing progress and the reference and digest', async () => {
    const run = await fnplayImage(['import', archives.unnamed, '--name', 'myapp:v1', '--endpoint', svc.url], keyEnv);
    expect(run.stderr).toMatch(/uploading .*unnamed\.tar: .* of .* \(100%\)/);
    expect(run.code).toBe(0);
    const [image] = (await listed()).filter((i) => i.references.includes('docker.io/library/myapp:v1'));
    expect(image).toBeDefined();
    expect(run.stdout).toBe(`imported docker.io/library/myapp:v1 ${image.digest}\n`);
  }, 60_000);

  it('takes the keys from the data dir\'s credentials.json when the environment has none', async () => {
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'credentials.json'), JSON.stringify({ ...TEST_KEYS, accountId: ACCOUNT_ID }));
    const run = await fnplayImage(['import', archives.named, '--endpoint', svc.url, '--data-dir', dataDir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^imported example\.com\/team\/non-root:v2 sha256:[a-f0-9]{64}\n$/);
  }, 60_000);

  it('exits 1 with the service\'s error for wrong keys, and imports nothing', async () => {
    const before = await listed();
    const run = await fnplayImage(['import', archives.unnamed, '--name', 'other:v1', '--endpoint', svc.url], { ...keyEnv, FNPLAY_ACCESS_KEY_SECRET: 'not-the-secret' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^fnplay: SignatureNotMatch: the request signature we calculated does not match/m);
    expect(await listed()).toEqual(before);
  }, 60_000);

  it('exits 1 with the service\'s refusal of the archive', async () => {
    const run = await fnplayImage(['import', archives.unnamed, '--endpoint', svc.url], keyEnv);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^fnplay: InvalidArgument: .*does not name its image/m);
  }, 60_000);

  it('exits 1 when nothing listens at the endpoint', async () => {
    const run = await fnplayImage(['import', archives.unnamed, '--name', 'x:1', '--endpoint', 'http://127.0.0.1:1'], keyEnv);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot reach fnplay at http:\/\/127\.0\.0\.1:1: nothing listens there/);
  }, 30_000);

  it('exits 2 for usage errors: a missing file, no file, an unknown flag, no keys', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['import', join(dir, 'missing.tar'), '--endpoint', svc.url], keyEnv, /cannot import .*missing\.tar: no such file/],
      [['import', '--endpoint', svc.url], keyEnv, /needs the archive FILE/],
      [['import', archives.unnamed, '--bogus'], keyEnv, /Unknown option '--bogus'/],
      [['export', archives.unnamed], keyEnv, /unknown image command 'export'/],
      [['import', archives.unnamed, '--name', 'Not/Valid', '--endpoint', svc.url], keyEnv, /--name: image reference 'Not\/Valid' is invalid/],
      [['import', archives.unnamed, '--endpoint', svc.url, '--data-dir', join(dir, 'no-such-dir')], {}, /no access keys/],
    ];
    const runs = await Promise.all(cases.map(([args, env]) => fnplayImage(args, env)));
    for (const [i, [args, , message]] of cases.entries()) {
      const run = runs[i];
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).toContain('usage: fnplay image import FILE');
    }
  }, 60_000);
});
