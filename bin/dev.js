#!/usr/bin/env node
// `npm run dev`: the service, plus Vite's dev server (hot reload) in front of it, for working on fnplay.
import { spawn } from 'node:child_process';

const service = spawn(process.execPath, ['bin/fnplay.js', ...process.argv.slice(2)], {
  stdio: ['ignore', 'pipe', 'inherit'],
  // Vite serves the UI itself; the service need not build it.
  env: { ...process.env, FNPLAY_SKIP_UI_BUILD: '1' },
});
const url = await new Promise((resolve, reject) => {
  let out = '';
  service.stdout.on('data', (c) => {
    process.stdout.write(c);
    out += c;
    const m = /fnplay listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  service.on('exit', (code) => reject(new Error(`the service exited with ${code}`)));
});
process.env.FNPLAY_URL = url;
const { createServer } = await import('vite');
const vite = await createServer({ configFile: 'vite.config.ts' });
await vite.listen();
vite.printUrls();
const stop = async () => {
  await vite.close();
  service.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
service.on('exit', () => process.exit(0));
