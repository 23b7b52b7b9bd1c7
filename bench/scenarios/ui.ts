import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startBenchService } from '../lib/bench-service.ts';
import { launchChromium, paintTimings } from '../lib/first-paint.ts';
import { fmt, median } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';
import { buildUi, containsMonaco, firstLoad, UI_DIR } from '../lib/ui-bundle.ts';

/** The floor of a first paint: a page with one line of text, from a bare server on loopback. */
const MINIMAL_PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title></head><body><h1>fnplay</h1></body></html>';

async function startMinimalPageServer() {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(MINIMAL_PAGE));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const KB = 1024;

/**
 * Scenario 7: the UI's first-load bundle (gzip), with Monaco left to a lazy chunk, and the time to
 * first paint of the page fnplay serves, in headless Chromium, against a minimal page.
 */
export const ui: Scenario = {
  id: '7',
  title: 'UI',
  async run({ quick, progress }) {
    const notes: string[] = [];
    if (!existsSync(join(UI_DIR, 'index.html'))) {
      progress.step('dist/ui is missing: npx vite build');
      try {
        await buildUi(quick ? 55_000 : 240_000);
        notes.push('dist/ui was missing and was built by this run with `npx vite build`.');
      } catch (err) {
        return { figures: [], notes: [(err as Error).message.split('\n').slice(0, 12).join(' / ')], skipped: 'the UI build failed (see notes)' };
      }
    }
    const { first, lazy, via } = firstLoad();
    const firstGz = first.reduce((s, f) => s + f.gzipBytes, 0);
    const lazyGz = lazy.reduce((s, f) => s + f.gzipBytes, 0);
    const monacoFirst = first.filter((f) => f.file.endsWith('.js') && containsMonaco(f.file));
    const figures: Figure[] = [
      {
        measure: `first-load bundle, gzip (${first.length} files)`, value: firstGz / KB, unit: 'KB',
        detail: `raw ${fmt(first.reduce((s, f) => s + f.bytes, 0) / KB)} KB; lazy chunks (Monaco, workers, languages) ${fmt(lazyGz / KB)} KB gzip`,
        target: { text: 'Monaco excluded', met: monacoFirst.length === 0 },
      },
    ];
    notes.push(
      `First load found from ${via}: ${first.map((f) => `${f.file} ${fmt(f.gzipBytes / KB)} KB`).join(', ')} (gzip level 6). ${lazy.length} chunks are loaded only through import(): ${fmt(lazyGz / KB)} KB gzip. Monaco in the first load: ${monacoFirst.length ? monacoFirst.map((f) => f.file).join(', ') : 'no'}.`,
    );

    const runs = quick ? 3 : 9;
    const svc = await startBenchService();
    const floor = await startMinimalPageServer();
    const browser = await launchChromium();
    try {
      const fnplay: number[] = [];
      const fnplayFcp: number[] = [];
      const minimal: number[] = [];
      await paintTimings(browser, svc.url + '/'); // untimed: Chromium's own first-navigation costs
      await paintTimings(browser, floor.url);
      const tick = progress.counter('page loads in headless Chromium (fnplay, minimal page) ×', runs);
      for (let i = 0; i < runs; i++) {
        const a = await paintTimings(browser, svc.url + '/');
        fnplay.push(a.firstPaint);
        fnplayFcp.push(a.firstContentfulPaint);
        minimal.push((await paintTimings(browser, floor.url)).firstPaint);
        tick(i + 1);
      }
      figures.push(compared('time to first paint, median', median(fnplay), 'ms', { name: 'minimal page', value: median(minimal) }));
      figures.push({ measure: 'time to first contentful paint, median', value: median(fnplayFcp), unit: 'ms' });
      notes.push(
        `${runs} loads each of the page fnplay serves and of a one-line page from a bare server, in a fresh browser context (empty cache) each, taking turns; performance.getEntriesByType('paint'), ms after navigation start. fnplay serves the assets uncompressed from 127.0.0.1.`,
      );
      return { figures, notes };
    } finally {
      await browser.close();
      await floor.close();
      await svc.close();
    }
  },
};
