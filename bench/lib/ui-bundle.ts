import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const ROOT = join(import.meta.dirname, '..', '..');
export const UI_DIR = join(ROOT, 'dist', 'ui');

/** Builds the UI with `npx vite build` (only called when dist/ui is missing); rejects with the build's own output on failure. */
export function buildUi(timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['vite', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`npx vite build failed (${signal ?? `exit ${code}`}):\n${out.slice(-1500)}`));
    });
  });
}

export interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

const gz = (file: string): BundleFile => {
  const buf = readFileSync(join(UI_DIR, file));
  return { file, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 6 }).length };
};

// `import{a as b}from"./x.js"` and `import"./x.js"`, but not `import("./x.js")`.
const STATIC_IMPORT_RE = /\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;

/**
 * What the browser must load before the first render: index.html, and from there the entry
 * scripts, stylesheets and modulepreloads, then every chunk those scripts import statically.
 * Chunks reached only through import() (Monaco, its workers, languages) are left out. With
 * dist/ui/.vite/manifest.json the same walk uses the manifest's `imports` and `css`.
 */
export function firstLoad(): { first: BundleFile[]; lazy: BundleFile[]; via: string } {
  const html = readFileSync(join(UI_DIR, 'index.html'), 'utf8');
  const want = new Set<string>();
  const manifestPath = join(UI_DIR, '.vite', 'manifest.json');
  let via = 'index.html and the static imports of its scripts';
  if (existsSync(manifestPath)) {
    via = 'dist/ui/.vite/manifest.json';
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, { file: string; isEntry?: boolean; imports?: string[]; css?: string[] }>;
    const walk = (key: string) => {
      const chunk = manifest[key];
      if (!chunk || want.has(chunk.file)) return;
      want.add(chunk.file);
      for (const css of chunk.css ?? []) want.add(css);
      for (const dep of chunk.imports ?? []) walk(dep);
    };
    for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) walk(key);
  } else {
    const refs = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/?([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    const queue = [...refs];
    for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
      if (want.has(file)) continue;
      want.add(file);
      if (!file.endsWith('.js')) continue;
      const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
      for (const m of readFileSync(join(UI_DIR, file), 'utf8').matchAll(STATIC_IMPORT_RE)) queue.push(join(dir, m[1]).replace(/^\.\//, ''));
    }
  }
  const htmlFile: BundleFile = { file: 'index.html', bytes: Buffer.byteLength(html), gzipBytes: gzipSync(html).length };
  const first = [htmlFile, ...[...want].map(gz)];
  const assets = new Set(listAssets());
  for (const f of want) assets.delete(f);
  const lazy = [...assets].filter((f) => /\.(js|css)$/.test(f)).map(gz);
  return { first, lazy, via };
}

function listAssets(): string[] {
  return readdirSync(join(UI_DIR, 'assets')).map((f) => `assets/${f}`);
}

/** Whether a first-load file carries Monaco itself (not merely the import() that loads it later). */
export function containsMonaco(file: string): boolean {
  // An API only Monaco's own code defines.
  return readFileSync(join(UI_DIR, file), 'utf8').includes('registerEditorContribution');
}
