import { spawnSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { test, expect, region, replaceCode } from './fixtures.ts';

// Python functions from the playground's templates, run by the service's Python runtime with the
// host's python3, as the service runs them.
const SHOTS = 'test-results/screenshots';
const hasPython = spawnSync('python3', ['--version']).status === 0;


async function useTemplate(page: Page, label: string, functionName: string) {
  await page.getByLabel('Template').selectOption({ label });
  await page.getByRole('button', { name: 'Use template' }).click();
  await page.getByLabel('Function name', { exact: true }).fill(functionName);
  await expect(page.getByLabel('Runtime', { exact: true })).toHaveValue('python3.10');
  await expect(page.getByLabel('Handler', { exact: true })).toHaveValue('index.handler');
  await expect(page.getByRole('textbox', { name: 'Editor: index.py' })).toBeAttached();
}

test.describe('Python', () => {
  test.skip(!hasPython, 'needs python3, which the Python runtime runs');

  test('the Python event template: deployed, invoked, its result and its logs; then an exception, as FC reports it', async ({ app: page }) => {
    await useTemplate(page, 'Python event function', 'e2e-python');
    // Monaco's Python mode: keywords get their own token colour.
    await expect(page.locator('.monaco-editor .view-line').filter({ hasText: 'def handler(event, context):' }).locator('span[class*="mtk"]').first()).toHaveText('def');
    // The runtime list has Python in a group of its own.
    const runtime = page.getByLabel('Runtime', { exact: true });
    await expect(runtime.locator('optgroup[label="Python"] > option')).toHaveText(['python3.10', 'python3.9', 'python3']);

    await page.getByLabel('Event payload').fill('{"name": "e2e"}');
    await page.getByRole('button', { name: 'Invoke', exact: true }).click();
    const result = region(page, 'Result');
    await expect(result).toContainText('hello from fnplay', { timeout: 30_000 });
    await expect(result).toContainText('{\\"name\\": \\"e2e\\"}');
    await expect(page.getByRole('region', { name: 'Invoke' }).getByRole('alert')).toHaveCount(0);
    const logs = region(page, 'Logs');
    await expect(logs).toContainText('FC Invoke Start');
    await expect(logs).toContainText('received {"name": "e2e"}');
    await expect(region(page, 'Execution summary').getByText('Cold start')).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/python-01-event.png` });

    // An exception in the handler: FC's error body, named after the Python exception.
    await replaceCode(page, 'index.py', "def handler(event, context):\n    raise ValueError('kaput ' + event.decode('utf-8'))\n");
    await page.getByRole('button', { name: 'Invoke', exact: true }).click();
    await expect(result).toContainText('UnhandledInvocationError', { timeout: 30_000 });
    await expect(result).toContainText('ValueError');
    await expect(result).toContainText('kaput');
    await expect(logs).toContainText('Error: Unhandled function error');
  });

  test('the WSGI template as an HTTP function, through the request builder', async ({ app: page }) => {
    await useTemplate(page, 'Python HTTP function (WSGI)', 'e2e-python-http');
    await expect(page.getByLabel('Function type', { exact: true })).toHaveValue('http');
    await page.getByLabel('Method').selectOption('POST');
    await page.getByLabel('Path').fill('/orders/42');
    await page.getByLabel('Body', { exact: true }).fill('{"qty": 3}');
    await page.getByRole('button', { name: 'Invoke', exact: true }).click();
    const result = region(page, 'Result');
    await expect(result).toContainText('/orders/42', { timeout: 30_000 });
    await expect(result).toContainText('"method": "POST"');
    await expect(result).toContainText('"body": "{\\"qty\\": 3}"');
    await expect(result).toContainText('200');
    await expect(region(page, 'Logs')).toContainText('POST /orders/42');
    await page.screenshot({ path: `${SHOTS}/python-02-wsgi.png` });
  });

  test('the lifecycle template runs initialize before the first call and pre_stop when updated', async ({ app: page }) => {
    await useTemplate(page, 'Python with Initializer + PreFreeze + PreStop', 'e2e-python-hooks');
    await expect(page.getByLabel('Initializer', { exact: true })).toHaveValue('index.initialize');
    await expect(page.getByLabel('PreFreeze handler', { exact: true })).toHaveValue('index.pre_freeze');
    await expect(page.getByLabel('PreStop handler', { exact: true })).toHaveValue('index.pre_stop');
    await page.getByLabel('Event payload').fill('hi');
    await page.getByRole('button', { name: 'Invoke', exact: true }).click();
    await expect(region(page, 'Result')).toContainText('hello from an instance initialized by', { timeout: 30_000 });
    const logs = region(page, 'Logs');
    await expect(logs).toContainText('FC Initialize Start');
    await expect(logs).toContainText('initializing');
    // An update stops the instance: its PreStop runs.
    await page.getByLabel('Memory (MB)', { exact: true }).fill('256');
    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(logs).toContainText('FC PreStop Start', { timeout: 30_000 });
    await expect(logs).toContainText('stopping');
    await page.screenshot({ path: `${SHOTS}/python-03-lifecycle.png` });
  });
});
