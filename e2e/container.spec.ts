import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildTestImages, exportImage, missingImageTools } from '../test/helpers/oci-images.ts';
import { test, expect, region } from './fixtures.ts';

// A custom-container function from an image built offline (umoci, skopeo, Go: the static test
// server on 0.0.0.0:9000), saved as `docker save` would, uploaded through the page, deployed,
// accelerated and invoked. Containers run only in fnplay's sandbox (bubblewrap, socat).
const SHOTS = 'test-results/screenshots';
const REFERENCE = 'registry.cn-hangzhou.aliyuncs.com/fnplay/e2e-go-server:v1';
const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = [...missingImageTools({ go: true }), ...['bwrap', 'socat'].filter((c) => !has(c))];
// A cold Go cache builds net/http (~20 s); an unpack and a cold start take seconds.
const PREPARE_TIMEOUT = 120_000;


test.describe('custom-container', () => {
  test.skip(missing.length > 0, `needs ${missing.join(', ')} to build the test image and run containers`);

  let dir = '';
  let archive = '';
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    dir = mkdtempSync(join(tmpdir(), 'fnplay-e2e-images-'));
    const images = await buildTestImages(dir);
    archive = await exportImage(images.layout, images.tags.goServer, 'docker-archive', join(dir, 'go-server.tar'), REFERENCE);
  });
  test.afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('an uploaded docker save archive is deployed as a custom-container function, accelerated and invoked', async ({ app: page }) => {
    test.setTimeout(3 * PREPARE_TIMEOUT);
    // 1. the template: how to get an image here, and the runtime's settings
    await page.getByLabel('Template').selectOption({ label: 'Custom Container (README + Dockerfile)' });
    await page.getByRole('button', { name: 'Use template' }).click();
    await page.getByLabel('Function name', { exact: true }).fill('e2e-container');
    await expect(page.getByLabel('Runtime', { exact: true })).toHaveValue('custom-container');
    await expect(page.getByRole('textbox', { name: 'Editor: README.md' })).toBeAttached();
    const manifest = region(page, 'Manifest');
    const image = manifest.getByLabel('Image', { exact: true });
    await expect(image).toHaveValue('');
    await expect(image).toHaveAccessibleDescription('required');

    // 2. the archive, through the page's file input: the image field then names it
    await manifest.getByLabel('Upload image archive').setInputFiles(archive);
    await expect(manifest.getByRole('status').filter({ hasText: 'Imported' })).toContainText(`Imported ${REFERENCE}`, { timeout: PREPARE_TIMEOUT });
    await expect(image).toHaveValue(REFERENCE);
    await expect(image).not.toHaveAttribute('aria-invalid');
    const details = region(page, 'Image details');
    await expect(details).toContainText('["/server"]');
    await expect(details).toContainText('9000/tcp');
    await expect(details.getByRole('table', { name: 'Layers' }).getByRole('row')).toHaveCount(2);
    await expect(details.getByLabel('Image disk use')).toContainText('All images use');
    await details.screenshot({ path: `${SHOTS}/container-01-image.png` });

    // 3. deploy: no code is sent; the image is unpacked once (Preparing → Ready)
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Invoke' }).getByRole('alert')).toHaveCount(0);
    await expect(page.getByRole('status', { name: 'Acceleration status' })).toHaveText('Ready', { timeout: PREPARE_TIMEOUT });
    await expect(details).toContainText('The image is unpacked');
    await expect(details).toContainText('playground/e2e-container'); // used by
    await page.screenshot({ path: `${SHOTS}/container-02-ready.png` });

    // 4. invoke: the Go server echoes the payload
    await page.getByLabel('Event payload').fill('{"hello":"container"}');
    await page.getByRole('button', { name: 'Invoke', exact: true }).click();
    await expect(region(page, 'Result')).toContainText('container', { timeout: PREPARE_TIMEOUT });
    await expect(region(page, 'Result')).toContainText('"hello"');
    await expect(page.getByRole('region', { name: 'Invoke' }).getByRole('alert')).toHaveCount(0);
    await expect(region(page, 'Logs')).toContainText('listening on 0.0.0.0:9000');
    await page.screenshot({ path: `${SHOTS}/container-03-invoked.png` });
  });
});
