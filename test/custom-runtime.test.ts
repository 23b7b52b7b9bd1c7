import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, zipFiles, type TestService } from './helpers/service.ts';
import { invoke } from './helpers/functions.ts';

const SERVER = `
const http = require('http');
const port = Number(process.env.FC_SERVER_PORT);
http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    if (req.url === '/initialize' || req.url === '/pre-stop' || req.url === '/pre-freeze') { res.setHeader('x-fc-status', '200'); return res.end(); }
    if (req.headers['x-fc-control-path'] === '/http-invoke') {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-fc-status', '200');
      return res.end(JSON.stringify({ method: req.method, url: req.url, body }));
    }
    if (body === 'fail') { res.writeHead(404, { 'x-fc-status': '404' }); return res.end('it failed'); }
    if (body === 'nostatus') return res.end('no status header');
    res.setHeader('x-fc-status', '200');
    res.end(JSON.stringify({ echo: body, requestId: req.headers['x-fc-request-id'], env: process.env.GREETING, leaked: Object.keys(process.env).filter((k) => k.startsWith('FNPLAY') || k === 'NODE_EXTRA_CA_CERTS') }));
  });
}).listen(port, '0.0.0.0', () => console.log('listening on ' + port));
`;

const exec = (content: string) => ({ content, mode: 0o755 });

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ startDeadlineSec: 2 });
  await svc.client.createService('cr');
});
afterAll(() => svc.close());

async function deployCustom(name: string, files: Record<string, string | { content: string; mode: number }>, extra: Record<string, unknown> = {}) {
  await svc.client.createFunction('cr', { functionName: name, runtime: 'custom', handler: 'index.handler', code: { zipFile: await zipFiles(files) }, ...extra });
}

describe('custom runtime', () => {
  it('runs <code>/bootstrap, which listens on FC_SERVER_PORT, and passes the payload through', async () => {
    await deployCustom('echo', { bootstrap: exec('#!/bin/sh\nexec node server.js\n'), 'server.js': SERVER }, { environmentVariables: { GREETING: 'hi' } });
    const r = await invoke(svc, 'cr', 'echo', 'ping');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const body = JSON.parse(r.data);
    expect(body.echo).toBe('ping');
    expect(body.requestId).toBe(r.headers['x-fc-request-id']);
    expect(body.env).toBe('hi');
    expect(body.leaked).toEqual([]);
  });

  it('runs customRuntimeConfig.command with args instead of a bootstrap', async () => {
    await deployCustom('by-command', { 'server.js': SERVER }, { customRuntimeConfig: { command: ['node'], args: ['server.js'] } });
    const r = await invoke(svc, 'cr', 'by-command', 'x');
    expect(r.ok && JSON.parse(r.data).echo).toBe('x');
  });

  it('counts x-fc-status: 404 as a failed invocation', async () => {
    const r = await invoke(svc, 'cr', 'echo', 'fail');
    expect(r.ok && r.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(r.ok && r.data).toBe('it failed');
  });

  it('counts an answer without x-fc-status as succeeded (FC\'s rule), with a warning in the record', async () => {
    const r = await invoke(svc, 'cr', 'echo', 'nostatus');
    expect(r.ok && r.headers['x-fc-error-type']).toBeUndefined();
    expect(r.ok && r.data).toBe('no status header');
  });

  it('prints the Invoke Start/End lines for the custom runtime itself', async () => {
    const r = await invoke(svc, 'cr', 'echo', 'x', { 'x-fc-log-type': 'Tail' });
    const log = Buffer.from((r as { headers: Record<string, string> }).headers['x-fc-log-result'], 'base64').toString();
    const id = (r as { headers: Record<string, string> }).headers['x-fc-request-id'];
    expect(log).toContain(`FC Invoke Start RequestId: ${id}`);
    expect(log).toContain(`FC Invoke End RequestId: ${id}`);
    expect(log).toMatch(/Duration: [\d.]+ ms, Billed Duration: \d+ ms, Memory Size: 128 MB, Max Memory Used: [\d.]+ MB/);
  });
});

describe('custom runtime start errors', () => {
  it('CAFilePermission: a bootstrap without the execute bit', async () => {
    await deployCustom('noexec', { bootstrap: { content: '#!/bin/sh\nexec node server.js\n', mode: 0o644 }, 'server.js': SERVER });
    const r = await invoke(svc, 'cr', 'noexec');
    expect(!r.ok && r.error.code).toBe('CAFilePermission');
    expect(!r.ok && r.error.message).toContain("bootstrap file don't have execute permissions");
  });

  it('CAExited: a shell bootstrap without #!', async () => {
    await deployCustom('noshebang', { bootstrap: exec('node server.js\n'), 'server.js': SERVER });
    const r = await invoke(svc, 'cr', 'noshebang');
    expect(!r.ok && r.error.code).toBe('CAExited');
    expect(!r.ok && r.error.message).toContain('exec format error');
  });

  it('CAExited: a process that exits while starting, with its output', async () => {
    await deployCustom('exits', { bootstrap: exec('#!/bin/sh\necho "config missing" >&2\nexit 7\n') });
    const r = await invoke(svc, 'cr', 'exits');
    expect(!r.ok && r.error.code).toBe('CAExited');
    expect(!r.ok && r.error.message).toContain('config missing');
  });

  it('FunctionNotStarted: nothing listens on the CAPort before the start deadline', async () => {
    await deployCustom('wrong-port', { bootstrap: exec('#!/bin/sh\nexec node -e "require(\'http\').createServer(() => {}).listen(0); console.log(\'listening somewhere else\')"\n') });
    const r = await invoke(svc, 'cr', 'wrong-port');
    expect(!r.ok && r.error.code).toBe('FunctionNotStarted');
    expect(!r.ok && r.error.message).toContain('0.0.0.0:9000');
    expect(!r.ok && r.error.message).toContain('listening somewhere else');
  });
});

describe('frozen custom runtime with short keep-alive', () => {
  it('survives a thawed server closing its idle keep-alive sockets at once', async () => {
    // A server that closes idle sockets after 50 ms without announcing it (no Keep-Alive header, as
    // many non-Node servers do). Frozen, its timer fires late, right at thaw, racing the next request
    // on that socket. The client must retry on a fresh connection instead of failing the invocation.
    const server = `
      const net = require('net');
      net.createServer((sock) => {
        let buf = Buffer.alloc(0); let idle;
        const arm = () => { clearTimeout(idle); idle = setTimeout(() => sock.destroy(), 50); };
        arm();
        sock.on('data', (c) => {
          buf = Buffer.concat([buf, c]);
          const end = buf.indexOf('\\r\\n\\r\\n'); if (end < 0) return;
          const head = buf.slice(0, end).toString();
          const len = Number((/content-length: *(\\d+)/i.exec(head) || [0, 0])[1]);
          if (buf.length < end + 4 + len) return;
          const body = buf.slice(end + 4, end + 4 + len).toString(); buf = buf.slice(end + 4 + len);
          const out = JSON.stringify({ echo: body });
          sock.write('HTTP/1.1 200 OK\\r\\nx-fc-status: 200\\r\\ncontent-length: ' + Buffer.byteLength(out) + '\\r\\n\\r\\n' + out);
          arm();
        });
        sock.on('error', () => {});
      }).listen(Number(process.env.FC_SERVER_PORT));`;
    await deployCustom('short-keepalive', { bootstrap: exec('#!/bin/sh\nexec node server.js\n'), 'server.js': server });
    const { playground, until } = await import('./helpers/service.ts');
    const api = playground(svc);
    for (let i = 0; i < 4; i++) {
      const r = await invoke(svc, 'cr', 'short-keepalive', `round ${i}`);
      expect(r.ok && JSON.parse(r.data).echo).toBe(`round ${i}`);
      await until(async () => (await api('/functions/cr/short-keepalive/instances')).body.instances[0]?.state === 'Frozen', 'freeze');
      const t0 = Date.now();
      await until(() => Date.now() - t0 > 150, 'the idle close to become overdue');
    }
  });
});
