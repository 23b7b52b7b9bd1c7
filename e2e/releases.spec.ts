import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import type { Page } from '@playwright/test';
import { test, expect, deploy, region, replaceCode, shoot } from './fixtures.ts';

// Releasing through the page: two published versions, an alias splitting calls between them,
// a provisioned instance on the alias, a layer the function's code requires, and a timer.
const FN = 'e2e-releases';
const codeOf = (tag: string) => `exports.handler = async () => ({ served: '${tag}' });\n`;

async function publish(page: Page, description: string, versionId: string) {
  const versions = region(page, 'Versions');
  await versions.getByRole('textbox', { name: 'Version description' }).fill(description);
  await versions.getByRole('button', { name: 'Publish version' }).click();
  await expect(versions.getByRole('status')).toHaveText(`Published version ${versionId}.`);
  await expect(versions.getByRole('listitem', { name: `Version ${versionId}` })).toContainText(description);
}

async function invoke(page: Page) {
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Invoke', exact: true })).toBeEnabled({ timeout: 30_000 });
  await expect(region(page, 'Invoke').getByRole('alert')).toHaveCount(0);
}

test('versions, a weighted alias, a provisioned instance, a layer and a timer, through the page', async ({ app: page }) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByLabel('Function name', { exact: true }).fill(FN);

  // 1. two versions of the function, each serving its own tag
  await replaceCode(page, 'index.js', codeOf('one'));
  await deploy(page);
  await publish(page, 'serves one', '1');
  await replaceCode(page, 'index.js', codeOf('two'));
  await deploy(page);
  await publish(page, 'serves two', '2');

  // 2. an alias on version 1 sending half of its calls to version 2
  const aliases = region(page, 'Aliases');
  await aliases.getByRole('button', { name: 'New alias' }).click();
  const form = aliases.getByRole('form', { name: 'New alias' });
  await form.getByRole('textbox', { name: 'Alias name' }).fill('prod');
  await form.getByRole('combobox', { name: 'Main version' }).selectOption('1');
  await form.getByRole('combobox', { name: 'Additional version' }).selectOption('2');
  await form.getByRole('slider', { name: 'Weight of version 2' }).fill('50');
  await expect(form).toContainText('Weight of version 2: 50 %');
  await form.getByRole('button', { name: 'Create alias' }).click();
  await expect(aliases.getByRole('listitem', { name: 'Alias prod' })).toContainText('→ v1 50 % · v2 50 %');

  // 3. ten calls through the alias: the counted split serves each version five times
  await page.getByRole('combobox', { name: 'Qualifier' }).selectOption('prod');
  for (let i = 1; i <= 10; i++) {
    await invoke(page);
    await expect(region(page, 'History')).toContainText(i === 1 ? '1 invocation' : `${i} invocations`);
  }
  await expect(aliases.getByRole('img', { name: /^Split of prod/ })).toHaveAccessibleName("Split of prod's last 10 calls: version 1 5, version 2 5");
  await expect(region(page, 'Execution summary')).toContainText(/prod \/ [12]/);
  const history = region(page, 'History');
  await expect(history.getByLabel('Qualifier shown')).toHaveText('at prod');
  await expect(history.locator('.hist-version').filter({ hasText: /^1$/ })).toHaveCount(5);
  await expect(history.locator('.hist-version').filter({ hasText: /^2$/ })).toHaveCount(5);

  // 4. one provisioned instance for the alias: started ahead of traffic, marked in the timeline
  const provision = aliases.getByRole('listitem', { name: 'Alias prod' });
  await provision.getByRole('spinbutton', { name: 'Provision target at prod' }).fill('1');
  await provision.getByRole('button', { name: 'Set target' }).click();
  await expect(provision.getByLabel('Provisioned ready at prod')).toHaveText('1 of 1 ready', { timeout: 60_000 });
  const instances = region(page, 'Instances');
  await expect(instances.getByRole('listitem').filter({ hasText: 'provisioned' })).toHaveCount(1, { timeout: 30_000 });
  await expect(instances.getByRole('img', { name: /\(provisioned\)/ })).toHaveCount(1);

  // 5. a timer on LATEST, listed with its next firing
  const timers = region(page, 'Timer triggers');
  await timers.getByRole('button', { name: 'Add timer' }).click();
  await timers.getByRole('textbox', { name: 'Cron expression' }).fill('@every 5m');
  await timers.getByRole('form').getByRole('button', { name: 'Add timer' }).click();
  await expect(timers.getByLabel('Next fire of timer')).toContainText(/next \d\d:\d\d:\d\d · in [45]m \d\ds/);

  await shoot(page, 'releases-alias', ['Invoke', 'Versions', 'Aliases', 'Layers', 'Timer triggers', 'Instances', 'History']);

  // 6. a layer with a Node.js module under nodejs/node_modules, attached and required by the code
  const dir = mkdtempSync(join(tmpdir(), 'fnplay-e2e-layer-'));
  try {
    const zip = new JSZip();
    zip.file('nodejs/node_modules/greeting/index.js', "module.exports = () => 'hello from the layer';\n");
    const zipPath = join(dir, 'greeting.zip');
    writeFileSync(zipPath, await zip.generateAsync({ type: 'uint8array' }));
    const layers = region(page, 'Layers');
    const upload = layers.getByRole('form', { name: 'Publish layer version' });
    await upload.getByRole('textbox', { name: 'Layer name' }).fill('greeting');
    await upload.getByRole('textbox', { name: 'Layer description' }).fill('a greeting module');
    await upload.getByLabel('Layer zip').setInputFiles(zipPath);
    await upload.getByRole('button', { name: 'Publish layer' }).click();
    await expect(upload.getByRole('status')).toHaveText('Published greeting version 1.');
    await layers.getByRole('button', { name: 'Attach greeting version 1' }).click();
    await expect(layers.getByRole('listitem', { name: 'Attached greeting version 1' })).toBeVisible();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await replaceCode(page, 'index.js', "exports.handler = async () => require('greeting')();\n");
  await page.getByRole('combobox', { name: 'Qualifier' }).selectOption('LATEST');
  await invoke(page);
  await expect(region(page, 'Result')).toContainText('hello from the layer');
  await expect(region(page, 'Execution summary')).toContainText('LATEST / LATEST');

  await shoot(page, 'releases-layer', ['Invoke', 'Versions', 'Aliases', 'Layers', 'Timer triggers', 'Instances', 'History']);
});
