import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, zipFiles, type TestService } from './helpers/service.ts';

// Whatever a client sends to an HTTP function, the instance's connection stays usable: framing and
// hop-by-hop headers never reach it, and what no HTTP client may send is refused before any
// instance is touched. Each case is followed by an innocent request that must succeed at once.

const ECHO = `exports.handler = (req, resp) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    resp.setHeader('content-type', 'application/json');
    resp.send(JSON.stringify({ path: req.path, headers: req.headers, body: Buffer.concat(chunks).toString() }));
  });
};`;

let svc: TestService;
let port: number;
beforeAll(async () => {
  svc = await startTestService();
  port = svc.port;
  await svc.client.createService('hop');
  await svc.client.createFunction('hop', { functionName: 'echo', runtime: 'nodejs20', handler: 'index.handler', timeout: 3, code: { zipFile: await zipFiles({ 'index.js': ECHO }) } });
  await svc.client.createTrigger('hop', 'echo', { triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET', 'POST', 'PUT'] } });
});
afterAll(() => svc.close());

/** Sends raw bytes on a fresh connection; resolves with the status line's code and the body. */
function raw(bytes: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect({ port, host: '127.0.0.1' });
    let data = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer to ${JSON.stringify(bytes.slice(0, 80))}`));
    }, 10_000);
    sock.on('data', (c) => {
      data += c.toString('latin1');
      // An interim 100 Continue comes before the real answer.
      if (data.startsWith('HTTP/1.1 100') && data.includes('\r\n\r\n')) data = data.slice(data.indexOf('\r\n\r\n') + 4);
      const head = data.indexOf('\r\n\r\n');
      if (head < 0) return;
      const len = /content-length: (\d+)/i.exec(data.slice(0, head));
      if (len && data.length >= head + 4 + Number(len[1])) {
        clearTimeout(timer);
        sock.destroy();
        resolve({ status: Number(data.slice(9, 12)), text: data.slice(head + 4) });
      }
    });
    sock.on('end', () => {
      clearTimeout(timer);
      resolve({ status: Number(data.slice(9, 12)), text: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    sock.on('error', reject);
    sock.write(bytes, 'latin1');
  });
}

const PATH = '/2016-08-15/proxy/hop/echo/p';
const request = (extraHeaders: string, { method = 'GET', path = PATH, body = '' } = {}) =>
  `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extraHeaders}${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}Connection: close\r\n\r\n${body}`;

/** The innocent next caller: answered at once (well within the function's 3 s timeout). */
async function innocentSucceeds() {
  const t0 = Date.now();
  const res = await fetch(`${svc.url}${PATH}`, { signal: AbortSignal.timeout(2500) });
  expect(res.status).toBe(200);
  expect(Date.now() - t0).toBeLessThan(2500);
}

describe('headers a function must never see', () => {
  const dropped: [string, string][] = [
    ['upgrade', 'Upgrade: websocket\r\n'],
    ['keep-alive', 'Keep-Alive: timeout=5\r\n'],
    ['te', 'TE: trailers\r\n'],
    ['trailer', 'Trailer: x-checksum\r\n'],
    ['proxy-authorization', 'Proxy-Authorization: Basic Zm9vOmJhcg==\r\n'],
    ['proxy-connection', 'Proxy-Connection: keep-alive\r\n'],
    ['connection', 'Connection: x-custom-hop\r\nX-Custom-Hop: 1\r\n'],
  ];
  for (const [name, line] of dropped) {
    it(`drops ${name}, and the next request on the instance succeeds`, async () => {
      const r = await raw(request(line));
      expect(r.status).toBe(200);
      const seen = JSON.parse(r.text).headers;
      expect(seen[name]).toBeUndefined();
      if (name === 'connection') expect(seen['x-custom-hop']).toBeUndefined(); // named by Connection: hop-by-hop too
      await innocentSucceeds();
    });
  }

  it('answers Expect: 100-continue itself and forwards the body without it', async () => {
    const r = await raw(request('Expect: 100-continue\r\n', { method: 'POST', body: 'hello' }));
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text).body).toBe('hello');
    expect(JSON.parse(r.text).headers.expect).toBeUndefined();
    await innocentSucceeds();
  });

  it('forwards a chunked body as a plain one, without transfer-encoding', async () => {
    const r = await raw(`POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n`);
    expect(r.status).toBe(200);
    const seen = JSON.parse(r.text);
    expect(seen.body).toBe('hello');
    expect(seen.headers['transfer-encoding']).toBeUndefined();
    await innocentSucceeds();
  });

  it("does not forward the client's Host header as given", async () => {
    const r = await raw(request(''));
    expect(JSON.parse(r.text).headers.host).not.toBe(`127.0.0.1:${port}`);
    await innocentSucceeds();
  });
});

describe('requests no HTTP client may send', () => {
  const refused: [string, string][] = [
    ['a header value with a control character', 'X-Bad: a\u0001b\r\n'],
    ['a header value with DEL', 'X-Bad: a\u007fb\r\n'],
    ['a header name with a space', 'X Bad: 1\r\n'],
    ['a header name with a colon-less line', 'JustAName\r\n'],
    ['a header with a bare LF inside', 'X-Bad: a\nb: c\r\n'],
    ['a duplicated content-length that disagrees', 'Content-Length: 1\r\nContent-Length: 2\r\n'],
  ];
  for (const [what, line] of refused) {
    it(`answers ${what} with 400 in FC's shape, and the next request succeeds`, async () => {
      const r = await raw(request(line));
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text)).toMatchObject({ ErrorCode: 'InvalidArgument' });
      await innocentSucceeds();
    });
  }

  for (const [what, path] of [
    ['a CR/LF in the path', `${PATH}/a%0d%0aX-Injected:%201`],
    ['a NUL in the path', `${PATH}/a%00b`],
  ] as const) {
    it(`answers ${what} with 400 InvalidArgument before any instance is touched`, async () => {
      const r = await raw(request('', { path }));
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text)).toMatchObject({ ErrorCode: 'InvalidArgument' });
      await innocentSucceeds();
    });
  }

  it('answers a request line Node cannot parse with 400 in FC\'s shape', async () => {
    const r = await raw('GET /a b c d\r\n\r\n');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ ErrorCode: 'InvalidArgument' });
  });

  it('answers headers too large for Node with 400 in FC\'s shape, not a bare 431', async () => {
    const r = await raw(request(`X-Big: ${'a'.repeat(20_000)}\r\n`));
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text)).toMatchObject({ ErrorCode: 'InvalidArgument' });
    await innocentSucceeds();
  });
});
