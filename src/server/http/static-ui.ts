import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, extname } from 'node:path';
import { UI_INDEX } from '../ui-build.ts';
import { Hono } from 'hono';
import type { HttpDeps } from './context.ts';

const UI_DIR = dirname(UI_INDEX);
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.ico': 'image/x-icon', '.txt': 'text/plain' };

// Only the page's own scripts run (a function's HTML never renders in this origin anyway: the
// proxy answers it as an attachment). Monaco injects style elements and starts module workers
// from its own chunks; nothing loads from elsewhere, and no site may frame the page.
const PAGE_POLICY = [
  "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
  "font-src 'self' data:", "worker-src 'self' blob:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'",
  "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/** The SPA: the page carries the per-start API token in a meta tag, so only a page fnplay served holds it. */
export function staticUi(deps: HttpDeps) {
  const ui = new Hono();
  const page = () => {
    const built = join(UI_DIR, 'index.html');
    const html = existsSync(built) ? readFileSync(built, 'utf8') : PLACEHOLDER;
    return html.replace('</head>', `<meta name="fnplay-token" content="${deps.apiToken}"></head>`);
  };
  ui.get('/', (c) => c.html(page(), 200, { 'cache-control': 'no-store', 'content-security-policy': PAGE_POLICY, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' }));
  // Top-level files copied from public/ (favicon, ...).
  ui.get('/:file{[\\w.-]+\\.(svg|png|ico|txt|webmanifest)}', (c) => {
    const file = join(UI_DIR, c.req.param('file'));
    if (!existsSync(file)) return c.notFound();
    return c.body(readFileSync(file), 200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  });
  ui.get('/assets/*', (c) => {
    const file = normalize(join(UI_DIR, c.req.path));
    if (!file.startsWith(UI_DIR) || !existsSync(file)) return c.notFound();
    return c.body(readFileSync(file), 200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' });
  });
  return ui;
}

const PLACEHOLDER = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>fnplay</title></head>
<body><main><h1>fnplay</h1><p>The service is running. The playground UI has not been built yet.</p></main></body></html>`;
