import { readFileSync } from 'node:fs';
import { test, expect, region } from './fixtures.ts';
import type { Page } from '@playwright/test';

const SHOTS = 'test-results/screenshots';

/** Replaces the open file's text through the editor, as a user would: select all, paste. */
async function replaceCode(page: Page, code: string) {
  // Typed text gets Monaco's auto-indent and auto-closing; pasted text arrives as it is.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  // Monaco's textarea sits under the rendered lines, which take clicks: focus it as a keyboard user would.
  const editor = page.getByRole('textbox', { name: /^Editor: / });
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
  // What reached the workspace store is what will be deployed: it must be the code, exactly.
  await expect
    .poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('fnplay-workspace') ?? '{}').state?.files?.['index.js']?.content))
    .toBe(code);
}

async function setField(page: Page, label: string, value: string) {
  const input = page.getByLabel(label, { exact: true });
  await input.fill(value);
}


test('write a function, invoke it, and watch result, summary, live logs, instances and acceleration', async ({ app: page }) => {
  await setField(page, 'Function name', 'e2e-event');
  await replaceCode(
    page,
    `exports.handler = async (event, context) => {
context.logger.info('first line ' + event.toString());
await new Promise((r) => setTimeout(r, 2500));
context.logger.info('second line');
return { greeting: 'hello ' + JSON.parse(event).name, requestId: context.requestId };
};
`,
  );
  await page.getByLabel('Event payload').fill('{"name": "e2e"}');
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();

  // The first line streams in while the invocation still runs.
  await expect(region(page, 'Logs')).toContainText('first line {"name": "e2e"}');
  await expect(region(page, 'Logs')).not.toContainText('second line');
  await expect(region(page, 'Instances')).toContainText('Busy');
  await page.screenshot({ path: `${SHOTS}/01-invoking.png` });

  await expect(region(page, 'Result')).toContainText('hello e2e', { timeout: 30_000 });
  await expect(region(page, 'Logs')).toContainText('second line');
  const summary = region(page, 'Execution summary');
  await expect(summary).toContainText('Request ID');
  await expect(summary.getByText('Cold start')).toBeVisible();
  await expect(summary).toContainText('PullCode');
  await expect(summary).toContainText('InitRuntime');
  await expect(page.getByRole('status', { name: 'Acceleration status' })).toHaveText(/Ready/);
  await expect(region(page, 'Instances')).toContainText('Frozen');
  await page.screenshot({ path: `${SHOTS}/02-result.png` });

  // Second call: warm, same instance, no cold start phases.
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(region(page, 'History')).toContainText(/warm/i, { timeout: 30_000 });
  await expect(summary).not.toContainText('PullCode');
  await page.screenshot({ path: `${SHOTS}/03-warm.png` });
});

test('an error is shown: a thrown error in the result, a bad manifest next to its field', async ({ app: page }) => {
  await setField(page, 'Function name', 'e2e-error');
  await replaceCode(page, `exports.handler = async () => { throw new TypeError('kaput'); };\n`);
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();
  const result = region(page, 'Result');
  await expect(result).toContainText('UnhandledInvocationError');
  await expect(result).toContainText('kaput');
  await expect(result).toContainText('TypeError');

  await setField(page, 'Memory (MB)', '100');
  await expect(page.getByLabel('Memory (MB)', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/multiple of 64/)).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/04-errors.png` });
  // The code is still there.
  await expect(page.getByRole('region', { name: 'Code' })).toContainText('kaput');
});

test('an HTTP function through the request builder', async ({ app: page }) => {
  await page.getByLabel('Template').selectOption({ label: 'Node.js HTTP function' });
  await page.getByRole('button', { name: 'Use template' }).click();
  await setField(page, 'Function name', 'e2e-http');
  await page.getByLabel('Method').selectOption('POST');
  await page.getByLabel('Path').fill('/orders/42');
  await page.getByRole('button', { name: 'Add query name' }).click();
  await page.getByLabel('Query name', { exact: true }).fill('debug');
  await page.getByLabel('Query value', { exact: true }).fill('1');
  await page.getByLabel('Body', { exact: true }).fill('{"qty": 3}');
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();
  const result = region(page, 'Result');
  await expect(result).toContainText('/orders/42', { timeout: 30_000 });
  await expect(result).toContainText('POST');
  await expect(result).toContainText('200');
  await page.screenshot({ path: `${SHOTS}/05-http.png` });
});

test('s.yaml export then import restores the manifest', async ({ app: page }) => {
  await setField(page, 'Function name', 'yaml-fn');
  await setField(page, 'Memory (MB)', '256');
  await setField(page, 'Timeout (s)', '7');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export s.yaml' }).click();
  const file = await (await download).path();
  const yamlText = readFileSync(file!, 'utf8');
  expect(yamlText).toContain('yaml-fn');

  await setField(page, 'Function name', 'changed');
  await setField(page, 'Memory (MB)', '512');
  await page.locator('input[type=file][accept*="yaml"]').setInputFiles({ name: 's.yaml', mimeType: 'text/yaml', buffer: Buffer.from(yamlText) });
  await expect(page.getByLabel('Function name', { exact: true })).toHaveValue('yaml-fn');
  await expect(page.getByLabel('Memory (MB)', { exact: true })).toHaveValue('256');
  await expect(page.getByLabel('Timeout (s)', { exact: true })).toHaveValue('7');
  await page.screenshot({ path: `${SHOTS}/06-syaml.png` });
});
