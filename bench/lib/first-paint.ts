import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/**
 * Opens `url` in a fresh context (empty cache) and reads the paint timings the page itself
 * records: first-paint and first-contentful-paint, ms after navigation start.
 */
export async function paintTimings(browser: Browser, url: string): Promise<{ firstPaint: number; firstContentfulPaint: number }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const handle = await page.waitForFunction(
      () => {
        const entries = performance.getEntriesByType('paint');
        const fp = entries.find((e) => e.name === 'first-paint');
        const fcp = entries.find((e) => e.name === 'first-contentful-paint');
        return fp && fcp ? { firstPaint: fp.startTime, firstContentfulPaint: fcp.startTime } : null;
      },
      undefined,
      { timeout: 15_000, polling: 20 },
    );
    return (await handle.jsonValue()) as { firstPaint: number; firstContentfulPaint: number };
  } finally {
    await context.close();
  }
}
