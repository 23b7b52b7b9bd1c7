import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCES = ['index.html', 'vite.config.ts', 'public', 'src/client', 'src/shared'];
export const UI_INDEX = join(ROOT, 'dist', 'ui', 'index.html');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** The bundle is stale when it is missing or any UI source is newer than it. */
export function uiBundleIsStale(): boolean {
  if (!existsSync(UI_INDEX)) return true;
  const built = statSync(UI_INDEX).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(ROOT, s)) > built);
}

/** Builds the SPA with Vite, only when stale, so a second start is ready in a couple of seconds. */
export async function ensureUiBundle(log: (line: string) => void = console.log) {
  if (!uiBundleIsStale()) return false;
  log('fnplay: building the playground UI (only when its sources changed)…');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  log(`fnplay: UI built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}
