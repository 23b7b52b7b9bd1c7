import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const SERVICE = process.env.FNPLAY_URL ?? 'http://127.0.0.1:7070';

/**
 * `npm run dev`: Vite serves the UI with hot reload in front of a running fnplay service. The page
 * needs the service's per-start API token, which the service puts in the page it serves; this plugin
 * reads it from there (server side, so no CORS is involved) and puts it into Vite's page.
 */
function tokenFromService(): Plugin {
  return {
    name: 'fnplay-token',
    apply: 'serve',
    async transformIndexHtml(html) {
      try {
        const page = await (await fetch(SERVICE + '/')).text();
        const meta = /<meta name="fnplay-token" content="[^"]+">/.exec(page)?.[0] ?? '';
        return html.replace('</head>', `${meta}</head>`);
      } catch {
        return html.replace('<body>', `<body><p>fnplay service not reachable at ${SERVICE}: start it with npm start</p>`);
      }
    },
  };
}

export default defineConfig({
  plugins: [react(), tokenFromService()],
  build: { outDir: 'dist/ui', emptyOutDir: true, chunkSizeWarningLimit: 4096 },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': SERVICE, '/2016-08-15': SERVICE },
  },
});
