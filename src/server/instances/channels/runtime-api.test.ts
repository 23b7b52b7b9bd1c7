import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createRuntimeApiServer, type RuntimeApiServer } from './runtime-api.ts';

// The runtime API as a Go binary sees it, driven by a real HTTP client on loopback.

const servers: RuntimeApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.channel.close();
});

async function start() {
  const s = await createRuntimeApiServer({ port: 0 });
  servers.push(s);
  return s;
}

function http(port: number, method: string, path: string, body = '', headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const common = { 'x-fc-request-id': 'r1', 'x-fc-function-name': 'f', 'x-fc-control-path': '/invoke' };

describe('runtime API', () => {
  it('hands an invocation to the next poll with its headers and takes the answer back', async () => {
    const s = await start();
    const answer = s.channel.request('POST', '/invoke', common, Buffer.from('payload'), { maxBody: 1024 });
    const next = await http(s.port!, 'GET', '/2020-11-11/runtime/invocation/next');
    expect(next.body).toBe('payload');
    expect(next.headers).toMatchObject({ 'x-fc-request-id': 'r1', 'x-fc-function-type': '0', 'x-fc-function-name': 'f' });
    expect(next.headers['x-fc-control-path']).toBeUndefined();
    expect((await http(s.port!, 'POST', '/2020-11-11/runtime/invocation/r1/response', '"ok"')).status).toBe(200);
    expect(await answer).toMatchObject({ statusCode: 200, headers: { 'x-fc-status': '200' }, body: Buffer.from('"ok"') });
  });

  it('turns /error into a failed answer, hooks into function types, and an HTTP call into x-fc-http-params both ways', async () => {
    const s = await start();
    const failed = s.channel.request('POST', '/invoke', common, null, { maxBody: 1024 });
    await http(s.port!, 'GET', '/2020-11-11/runtime/invocation/next');
    await http(s.port!, 'POST', '/2020-11-11/runtime/invocation/r1/error', '{"errorMessage":"boom","errorType":"errorString"}');
    expect(await failed).toMatchObject({ headers: { 'x-fc-status': '404', 'x-fc-error-type': 'UnhandledInvocationError' } });

    const stop = s.channel.request('GET', '/pre-stop', { ...common, 'x-fc-request-id': 'r2', 'x-fc-control-path': '/pre-stop' }, null, { maxBody: 1024 });
    expect((await http(s.port!, 'GET', '/2020-11-11/runtime/invocation/next')).headers['x-fc-function-type']).toBe('2');
    await http(s.port!, 'POST', '/2020-11-11/runtime/invocation/r2/response');
    await stop;

    const web = s.channel.request('POST', '/a/b?q=1&q=2', { ...common, 'x-fc-request-id': 'r3', 'x-fc-control-path': '/http-invoke', 'x-app': 'demo' }, Buffer.from('body'), { maxBody: 1024 });
    const polled = await http(s.port!, 'GET', '/2020-11-11/runtime/invocation/next');
    const params = JSON.parse(Buffer.from(String(polled.headers['x-fc-http-params']), 'base64').toString());
    expect(params).toMatchObject({ path: '/a/b', method: 'POST', requestURI: '/a/b?q=1&q=2', queriesMap: { q: ['1', '2'] }, headersMap: { 'X-App': ['demo'] } });
    const out = Buffer.from(JSON.stringify({ status: 201, headersMap: { 'Content-Type': ['text/plain'], 'Set-Cookie': ['a=1', 'b=2'], 'Bad Name': ['x'], 'X-Split': ['a\r\nInjected: 1'] } })).toString('base64');
    await http(s.port!, 'POST', '/2020-11-11/runtime/invocation/r3/response', 'made', { 'x-fc-http-params': out });
    const answered = await web;
    expect(answered).toMatchObject({ statusCode: 201, headers: { 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] }, body: Buffer.from('made') });
    expect(Object.keys(answered.headers)).not.toContain('bad name');
    expect(answered.headers['x-split']).toBeUndefined();
  });

  it('answers unknown ids and paths with 404, bounds waiting polls, and fails what is in flight when the instance exits', async () => {
    const s = await start();
    expect((await http(s.port!, 'POST', '/2020-11-11/runtime/invocation/nope/response')).status).toBe(404);
    expect((await http(s.port!, 'GET', '/elsewhere')).status).toBe(404);
    const polls = Array.from({ length: 128 }, () => http(s.port!, 'GET', '/2020-11-11/runtime/invocation/next').catch(() => null));
    await new Promise((r) => setTimeout(r, 200));
    expect((await http(s.port!, 'GET', '/2020-11-11/runtime/invocation/next')).status).toBe(429);
    const pending = s.channel.request('POST', '/invoke', { ...common, 'x-fc-request-id': 'r9' }, null, { maxBody: 1024 });
    // A waiting poll takes it at once; the instance then exits without answering.
    s.processExited();
    await expect(pending).rejects.toThrow('the instance exited');
    await s.channel.close();
    await Promise.all(polls);
  });
});
