import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, deploy, region, replaceCode, shoot, SHOTS } from './fixtures.ts';

// Asynchronous invocation through the page: the Async switch beside Invoke, the live list of async
// invocations with their attempts and logs, a stateful invocation stopped from the list, and the
// async config round-tripped through s.yaml.
const FN = 'e2e-async';
// FC tells the handler how many tries came before: fails the first two, succeeds on the third
const FLAKY = `exports.handler = async (event, context) => {
  if (context.retryCount < 2) throw new Error('not yet: try ' + (context.retryCount + 1));
  return { ok: true, tries: context.retryCount + 1 };
};
`;

async function invokeAsync(page: Page) {
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Invoke', exact: true })).toBeEnabled({ timeout: 30_000 });
  await expect(region(page, 'Invoke').getByRole('alert')).toHaveCount(0);
  return region(page, 'Result').getByRole('status', { name: 'Async invoke accepted' });
}

/** The page's own FC API (unsigned under /api/fc with the page token), for what the form does not set. */
async function fcApi(page: Page, method: 'PUT' | 'GET', path: string, data?: unknown) {
  const token = await page.locator('meta[name="fnplay-token"]').getAttribute('content');
  const res = await page.request.fetch(`${new URL(page.url()).origin}/api/fc${path}`, { method, headers: { 'x-fnplay-token': token ?? '', 'content-type': 'application/json' }, data: data === undefined ? undefined : JSON.stringify(data) });
  expect(res.status(), await res.text()).toBeLessThan(300);
  return res;
}

test('an async invocation retried twice, a stateful one stopped, and the async config through s.yaml', async ({ app: page }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.getByLabel('Function name', { exact: true }).fill(FN);
  await replaceCode(page, 'index.js', FLAKY);
  await deploy(page);

  // 1. queued with the switch on: a 202 and its request id instead of a result
  await region(page, 'Invoke').getByRole('switch', { name: 'Async' }).check();
  const accepted = await invokeAsync(page);
  await expect(accepted).toContainText('202 Accepted');
  const requestId = (await accepted.locator('dd code').first().textContent())!.trim();
  expect(requestId).toMatch(/\S{8,}/);

  // 2. the list follows it live: Retrying, then Succeeded after three attempts
  const list = region(page, 'Async invocations');
  const item = list.getByRole('listitem', { name: `Async invocation ${requestId}` });
  await expect(item.getByLabel('Status')).toHaveText('Retrying', { timeout: 15_000 });
  await expect(item.getByLabel('Status')).toHaveText('Succeeded', { timeout: 30_000 });
  await expect(item.getByLabel('Attempts')).toHaveText('3 attempts');
  await item.getByRole('button', { name: `Details of ${requestId}` }).click();
  const attempts = item.getByRole('list', { name: `Attempts of ${requestId}` });
  await expect(attempts.getByRole('listitem', { name: 'Attempt 1' })).toContainText('not yet: try 1');
  await expect(attempts.getByRole('listitem', { name: 'Attempt 2' })).toContainText('not yet: try 2');
  await expect(attempts.getByRole('listitem', { name: 'Attempt 3' })).toContainText('succeeded');
  await expect(item).toContainText('"tries":3');

  // 3. an attempt's logs: the Logs pane narrows to that attempt's request id
  await attempts.getByRole('button', { name: `Logs of attempt 2 of ${requestId}` }).click();
  const logs = region(page, 'Logs');
  const attempt2 = await attempts.getByRole('button', { name: `Logs of attempt 2 of ${requestId}` }).getAttribute('title');
  await expect(logs.getByRole('searchbox', { name: 'Filter by request ID' })).toHaveValue(attempt2!);
  await expect(logs.getByRole('log')).toContainText('not yet: try 2');
  await shoot(page, 'async-retried', ['Invoke', 'Result', 'Async invocations']);

  // 4. a stateful invocation on a function allowed no instance stays Enqueued until stopped
  await fcApi(page, 'PUT', `/services/playground/functions/${FN}/on-demand-config`, { maximumInstanceCount: 0 });
  await region(page, 'Invoke').getByRole('textbox', { name: /Invocation ID/ }).fill('held-1');
  await expect(await invokeAsync(page)).toContainText('held-1');
  const held = list.getByRole('listitem', { name: 'Async invocation held-1' });
  await expect(held.getByLabel('Status')).toHaveText('Enqueued');
  await expect(held.getByLabel('Age')).toContainText(/age [1-9]/, { timeout: 10_000 });
  await expect(held.getByLabel('Status')).toHaveText('Enqueued');
  await held.getByRole('button', { name: 'Stop held-1' }).click();
  await expect(held.getByLabel('Status')).toHaveText('Stopped');
  await expect(held.getByRole('button', { name: 'Stop held-1' })).toHaveCount(0);
  await list.getByRole('combobox', { name: 'Filter by status' }).selectOption('Stopped');
  await expect(list.getByRole('listitem', { name: /^Async invocation/ })).toHaveCount(1);
  await list.getByRole('combobox', { name: 'Filter by status' }).selectOption('');
  await shoot(page, 'async-stopped', ['Invoke', 'Result', 'Async invocations']);

  // 5. the async config: set in the form, applied by deploy, exported and imported back through s.yaml
  const form = page.getByRole('group', { name: 'Async invocation' });
  await form.getByRole('checkbox', { name: 'Configure async invocation' }).check();
  await form.getByRole('spinbutton', { name: 'Max retries' }).fill('1');
  await form.getByRole('spinbutton', { name: 'Max age (s)' }).fill('3600');
  await form.getByRole('checkbox', { name: 'Stateful invocation' }).check();
  await deploy(page);
  const applied = await (await fcApi(page, 'GET', `/services/playground/functions/${FN}/async-invoke-config`)).json();
  expect(applied).toMatchObject({ maxAsyncRetryAttempts: 1, maxAsyncEventAgeInSeconds: 3600, statefulInvocation: true });

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export s.yaml' }).click();
  const yamlText = readFileSync((await (await download).path())!, 'utf8');
  expect(yamlText).toMatch(/asyncConfiguration:\n\s+maxAsyncEventAgeInSeconds: 3600\n\s+maxAsyncRetryAttempts: 1\n\s+statefulInvocation: true/);
  await form.getByRole('checkbox', { name: 'Configure async invocation' }).uncheck();
  await expect(form.getByRole('spinbutton', { name: 'Max retries' })).toHaveCount(0);
  await page.locator('input[type=file][accept*="yaml"]').setInputFiles({ name: 's.yaml', mimeType: 'text/yaml', buffer: Buffer.from(yamlText) });
  await expect(form.getByRole('spinbutton', { name: 'Max retries' })).toHaveValue('1');
  await expect(form.getByRole('spinbutton', { name: 'Max age (s)' })).toHaveValue('3600');
  await expect(form.getByRole('checkbox', { name: 'Stateful invocation' })).toBeChecked();
  await form.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/async-config-1440.png` });
  await page.setViewportSize({ width: 1024, height: 700 });
  await form.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/async-config-1024.png` });
});
