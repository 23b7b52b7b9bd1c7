import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

// Playwright runs from the project root (npm test).
const ROOT = process.cwd();

/** The real service, started the way a user starts it, on a random port with a fresh data dir. */
export async function startService(): Promise<{ url: string; dataDir: string; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fnplay-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/fnplay.js', '--port', '0', '--data-dir', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`service did not start:\n${out}`)), 120_000);
    const check = () => {
      const m = /fnplay listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(deadline);
        resolve(m[1]);
      } else setTimeout(check, 50);
    };
    child.on('exit', (code) => reject(new Error(`service exited with ${code}:\n${out}`)));
    check();
  });
  return {
    url,
    dataDir,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const test = base.extend<{ app: Page }, { service: { url: string } }>({
  service: [
    async ({}, use) => {
      const svc = await startService();
      await use(svc);
      await svc.stop();
    },
    { scope: 'worker' },
  ],
  app: async ({ page, service }, use) => {
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(service.url);
    await use(page);
    expect(errors, 'console errors').toEqual([]);
  },
});
export { expect };

/** A pane of the page by its accessible name. */
export const region = (page: Page, name: string) => page.getByRole('region', { name, exact: true });

/** A workspace file's text as the page keeps it (localStorage). */
export const stored = (page: Page, path: string) =>
  page.evaluate((p) => JSON.parse(localStorage.getItem('fnplay-workspace') ?? '{}').state?.files?.[p]?.content as string | undefined, path);

/** Replaces the open file's text through the editor, as a user would: select all, paste. */
export async function replaceCode(page: Page, path: string, code: string) {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((text) => navigator.clipboard.writeText(text), code);
  const editor = page.getByRole('textbox', { name: `Editor: ${path}` });
  await editor.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
  await expect.poll(() => stored(page, path)).toBe(code);
}


/** Deploys what the page holds; a refusal would show under Invoke. */
export async function deploy(page: Page) {
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Deploy', exact: true })).toBeEnabled();
  await expect(region(page, 'Invoke').getByRole('alert')).toHaveCount(0);
}

/** Screenshots of the page and of the named panels at 1440×900 and 1024×700, into FNPLAY_SHOTS (to look at). */
export const SHOTS = process.env.FNPLAY_SHOTS ?? 'test-results/screenshots';
export async function shoot(page: Page, name: string, panes: string[]) {
  const dir = SHOTS;
  for (const [w, h] of [[1440, 900], [1024, 700]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.screenshot({ path: `${dir}/${name}-${w}.png` });
    for (const pane of panes) {
      const r = region(page, pane);
      await r.scrollIntoViewIfNeeded();
      await r.screenshot({ path: `${dir}/${name}-${w}-${pane.toLowerCase().replace(/ /g, '-')}.png` });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
}
