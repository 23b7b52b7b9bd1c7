import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, zipFiles, type TestService } from './helpers/service.ts';
import { invoke } from './helpers/functions.ts';

// Custom runtimes as published for FC: a bash bootstrap that starts a server on a fixed CAPort
// (9000 unless caPort says otherwise), listening on 0.0.0.0, as seed 000 §4.2 requires.

const server = (port: number, host = '0.0.0.0') => `
const http = require('http');
const cp = require('child_process');
http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', async () => {
    res.setHeader('x-fc-status', '200');
    if (req.url !== '/invoke') return res.end();
    const { op, arg } = JSON.parse(body || '{}');
    if (op === 'sleep') await new Promise((r) => setTimeout(r, arg));
    if (op === 'sh') return res.end(cp.execSync(arg, { encoding: 'utf8' }));
    if (op === 'kill-relay') cp.execSync('pkill -x socat');
    res.end(process.env.FC_INSTANCE_ID);
  });
}).listen(${port}, '${host}', () => console.log('listening on ${host}:${port}'));
`;
const exec = (content: string) => ({ content, mode: 0o755 });
const bootstrap = exec('#!/bin/bash\nexec node /code/server.js\n');

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ startDeadlineSec: 8 });
  await svc.client.createService('cr');
  expect(svc.sandbox.kind).toBe('bwrap');
});
afterAll(() => svc.close());

async function deploy(name: string, files: Record<string, string | { content: string; mode: number }>, extra: Record<string, unknown> = {}) {
  await svc.client.createFunction('cr', { functionName: name, runtime: 'custom', handler: 'index.handler', code: { zipFile: await zipFiles(files) }, ...extra });
}
const call = (fn: string, op: string, arg?: unknown) => invoke(svc, 'cr', fn, JSON.stringify({ op, arg }));

describe('custom runtimes in the sandbox', () => {
  it('runs every instance on port 9000 at once, in its own network namespace', async () => {
    await deploy('on9000', { bootstrap, 'server.js': server(9000) });
    const results = await Promise.all([1, 2, 3].map(() => call('on9000', 'sleep', 300)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(new Set(results.map((r) => r.ok && r.data)).size).toBe(3);
    // And again, warm, concurrently.
    const again = await Promise.all([1, 2, 3].map(() => call('on9000', 'sleep', 50)));
    expect(again.every((r) => r.ok)).toBe(true);
  });

  it('honours caPort, and runs a command at /code as FC does', async () => {
    await deploy('port8080', { main: exec('#!/bin/bash\nexec node /code/server.js\n'), 'server.js': server(8080) }, { caPort: 8080, customRuntimeConfig: { command: ['/code/main'] } });
    const r = await call('port8080', 'sh', 'echo "$FC_SERVER_PORT $FC_FUNC_CODE_PATH $(pwd)"');
    expect(r.ok && r.data).toBe('8080 /code /code\n');
  });

  it("refuses to start a server that listens on 127.0.0.1 only, with FC's error and why", async () => {
    await deploy('loopback-only', { bootstrap, 'server.js': server(9000, '127.0.0.1') });
    const r = await call('loopback-only', 'sleep', 0);
    expect(!r.ok && r.error.code).toBe('FunctionNotStarted');
    expect(!r.ok && r.error.message).toContain('0.0.0.0:9000');
    expect(!r.ok && r.error.message).toContain('listens on 127.0.0.1:9000 only');
  });

  it("has the host's toolchains on PATH as FC's built-in ones, python included", async () => {
    await deploy('tools', { bootstrap, 'server.js': server(9000) });
    const r = await call('tools', 'sh', 'for c in node bash python3 python; do command -v $c; done; true');
    expect(r.ok ? r.data : r.error).toBeTypeOf('string');
    const found = (r.ok ? String(r.data) : '').trim().split('\n');
    expect(found.some((p) => p.endsWith('/node'))).toBe(true);
    if (existsSync('/usr/bin/python3')) {
      expect(found).toContain('/usr/bin/python3');
      expect(found.some((p) => p.endsWith('/python'))).toBe(true);
    }
  });

  it('fails only its own invocation when the function kills its relay; the next call gets a new instance', async () => {
    await deploy('relay-killer', { bootstrap, 'server.js': server(9000) });
    const first = await call('relay-killer', 'sleep', 0);
    expect(first.ok).toBe(true);
    const broken = await call('relay-killer', 'kill-relay');
    expect(broken.ok && JSON.stringify(broken.data)).toContain('closed the connection');
    const next = await call('relay-killer', 'sleep', 0);
    expect(next.ok).toBe(true);
    expect(next.ok && first.ok && next.data).not.toBe(first.ok && first.data);
  });

  it("answers FC's start errors when the command is missing or not executable inside the sandbox", async () => {
    await deploy('missing-cmd', { 'server.js': server(9000) }, { customRuntimeConfig: { command: ['/code/not-there'] } });
    const missing = await call('missing-cmd', 'sleep', 0);
    expect(!missing.ok && missing.error.code).toBe('CAExited');
    expect(!missing.ok && missing.error.message).toContain('No such file or directory');
    await deploy('not-exec', { run: { content: '#!/bin/bash\nexec node /code/server.js\n', mode: 0o644 }, 'server.js': server(9000) }, { customRuntimeConfig: { command: ['/code/run'] } });
    const denied = await call('not-exec', 'sleep', 0);
    expect(!denied.ok && denied.error.code).toBe('CAFilePermission');
  });
});
