import { test, expect, region, replaceCode, stored } from './fixtures.ts';

// Go source written in the playground is built by the service (offline, against fnplay's SDK):
// this needs `go` on the machine, as the service does.
const SHOTS = 'test-results/screenshots';
// A fresh data dir has an empty Go build cache: the first build compiles the standard library.
const BUILD_TIMEOUT = 240_000;


test('a Go function from its template: built on deploy, invoked once built, its compile errors one click from the line', async ({ app: page }) => {
  test.setTimeout(2 * BUILD_TIMEOUT + 60_000);
  await page.getByLabel('Function name', { exact: true }).fill('e2e-go');
  await page.getByLabel('Template').selectOption({ label: 'Go event function' });
  await page.getByRole('button', { name: 'Use template' }).click();
  await expect(page.getByLabel('Runtime', { exact: true })).toHaveValue('go1');
  await expect(page.getByLabel('Handler', { exact: true })).toHaveValue('main');
  await expect(page.getByRole('textbox', { name: 'Editor: main.go' })).toBeAttached();
  // Monaco's Go mode: keywords get their own token colour.
  await expect(page.locator('.monaco-editor .view-line').filter({ hasText: 'package main' }).locator('span[class*="mtk"]').first()).toHaveText('package');
  const template = (await stored(page, 'main.go'))!;

  // 1. Invoke deploys the source; the service builds it, and the invoke waits for the build.
  await page.getByLabel('Event payload').fill('fnplay');
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();
  const build = region(page, 'Build output');
  await expect(build.getByRole('status')).toHaveText('Building…');
  await expect(build.getByRole('progressbar', { name: 'Build progress' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Building…' })).toBeDisabled();
  await page.screenshot({ path: `${SHOTS}/go-01-building.png` });
  await build.screenshot({ path: `${SHOTS}/go-01-build-output-building.png` });

  await expect(region(page, 'Result')).toContainText('"hello fnplay"', { timeout: BUILD_TIMEOUT });
  await expect(page.getByRole('region', { name: 'Invoke' }).getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('status', { name: 'Acceleration status' })).toHaveText('Ready');
  await expect(build).toHaveCount(0);
  await expect(region(page, 'Logs')).toContainText('hello fnplay');
  await page.screenshot({ path: `${SHOTS}/go-02-result.png` });

  // 2. A compile error: the compiler's line in the build output, and a click puts the cursor on it.
  const broken = template.replace('return "hello " + string(event), nil', 'return greet(event), nil');
  expect(broken).not.toBe(template);
  const lineIndex = broken.split('\n').findIndex((l) => l.includes('greet(event)'));
  const column = broken.split('\n')[lineIndex]!.indexOf('greet') + 1;
  await replaceCode(page, 'main.go', broken);
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  const compilerLine = build.getByRole('button', { name: `./main.go:${lineIndex + 1}:${column}: undefined: greet` });
  await expect(compilerLine).toBeVisible({ timeout: BUILD_TIMEOUT });
  await expect(page.getByRole('status', { name: 'Acceleration status' })).toHaveText('Failed');
  await expect(build).toContainText('1 error');
  // The editor underlines it too.
  await expect(page.locator('.monaco-editor .squiggly-error')).toHaveCount(1);

  // Somewhere else in the file first, so the click has to move the cursor.
  await page.getByRole('textbox', { name: 'Editor: main.go' }).focus();
  await page.keyboard.press('ControlOrMeta+Home');
  await compilerLine.click();
  await expect(page.getByRole('textbox', { name: 'Editor: main.go' })).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/go-03-build-failed.png` });
  await build.screenshot({ path: `${SHOTS}/go-03-build-output-failed.png` });
  // What is typed now lands where the compiler pointed.
  await page.keyboard.insertText('HERE');
  await expect.poll(async () => (await stored(page, 'main.go'))!.split('\n')[lineIndex]!.indexOf('HEREgreet')).toBe(column - 1);

  // Invoking code that did not build says so, and where to look.
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Invoke' }).getByRole('alert')).toContainText('Build output', { timeout: BUILD_TIMEOUT });
});

test('the Go HTTP template answers through the request builder', async ({ app: page }) => {
  test.setTimeout(BUILD_TIMEOUT + 60_000);
  await page.getByLabel('Template').selectOption({ label: 'Go HTTP function' });
  await page.getByRole('button', { name: 'Use template' }).click();
  await page.getByLabel('Function name', { exact: true }).fill('e2e-go-http');
  await page.getByLabel('Method').selectOption('POST');
  await page.getByLabel('Path').fill('/orders/42');
  await page.getByLabel('Body', { exact: true }).fill('{"qty": 3}');
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();
  const result = region(page, 'Result');
  await expect(result).toContainText('/orders/42', { timeout: BUILD_TIMEOUT });
  await expect(result).toContainText('"method": "POST"');
  await expect(result).toContainText('"body": "{\\"qty\\": 3}"');
  await expect(result).toContainText('200');
});

test('the Go lifecycle template runs its Initializer before the first invocation and PreStop when updated', async ({ app: page }) => {
  test.setTimeout(2 * BUILD_TIMEOUT + 60_000);
  await page.getByLabel('Template').selectOption({ label: 'Go with Initializer + PreStop' });
  await page.getByRole('button', { name: 'Use template' }).click();
  await page.getByLabel('Function name', { exact: true }).fill('e2e-go-hooks');
  await expect(page.getByLabel('Initializer', { exact: true })).toHaveValue('initialize');
  await expect(page.getByLabel('PreStop handler', { exact: true })).toHaveValue('preStop');
  await page.getByLabel('Event payload').fill('hi');
  await page.getByRole('button', { name: 'Invoke', exact: true }).click();
  await expect(region(page, 'Result')).toContainText('hello from an instance initialized by', { timeout: BUILD_TIMEOUT });
  const logs = region(page, 'Logs');
  await expect(logs).toContainText('FC Initialize Start');
  await expect(logs).toContainText('initialized');
  // An update stops the instance: its PreStop runs.
  await page.getByLabel('Memory (MB)', { exact: true }).fill('256');
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(logs).toContainText('FC PreStop Start', { timeout: BUILD_TIMEOUT });
  await expect(logs).toContainText('stopping');
  await page.screenshot({ path: `${SHOTS}/go-04-lifecycle.png` });
});
