import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, zipFiles, type TestService } from './helpers/service.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());

describe('smoke', () => {
  it('creates and invokes a Node.js function through the SDK', async () => {
    await svc.client.createService('s1');
    const zipFile = await zipFiles({ 'index.js': `exports.handler = async (event, context) => 'hello ' + event.toString();` });
    const created = await svc.client.createFunction('s1', { functionName: 'f1', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
    expect(created.data.codeChecksum).toMatch(/^\d+$/);
    const r = await svc.client.invokeFunction('s1', 'f1', 'world', { 'x-fc-log-type': 'Tail' });
    expect(r.data).toBe('hello world');
    const log = Buffer.from(r.headers['x-fc-log-result'], 'base64').toString();
    console.log(log, r.headers);
    const r2 = await svc.client.invokeFunction('s1', 'f1', 'again');
    expect(r2.data).toBe('hello again');
  });
});
