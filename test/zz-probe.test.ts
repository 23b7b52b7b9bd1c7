import { afterAll, beforeAll, it, expect } from 'vitest';
import { startTestService, zipFiles, type TestService } from './helpers/service.ts';
let svc: TestService;
beforeAll(async () => { svc = await startTestService(); });
afterAll(() => svc.close());
const settle = (ps: Promise<any>[]) => Promise.allSettled(ps).then((rs) => rs.map((r) => r.status === 'fulfilled' ? 'ok' : (r.reason as any).code));
it('probe', async () => {
  await svc.client.createService('s');
  const z1 = await zipFiles({ 'index.js': 'exports.handler=async()=>1' });
  const z2 = await zipFiles({ 'index.js': 'exports.handler=async()=>2' });
  console.log('create race', await settle([
    svc.client.createFunction('s', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: z1 } }),
    svc.client.createFunction('s', { functionName: 'f', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: z2 } }),
  ]));
  const g = await svc.client.getFunction('s', 'f');
  console.log('update race', await settle([
    svc.client.updateFunction('s', 'f', { code: { zipFile: z1 } }, { 'if-match': g.headers.etag }),
    svc.client.updateFunction('s', 'f', { code: { zipFile: z2 } }, { 'if-match': g.headers.etag }),
  ]));
  console.log('update/delete race', await settle([
    svc.client.updateFunction('s', 'f', { code: { zipFile: z1 } }),
    svc.client.deleteFunction('s', 'f'),
  ]));
  console.log('after', await settle([svc.client.getFunction('s', 'f')]));
  await svc.client.deleteFunction('s', 'f').catch(() => {});
  console.log('create/delete service race', await settle([
    svc.client.createFunction('s', { functionName: 'g', runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: z1 } }),
    svc.client.deleteService('s'),
  ]));
  console.log('svc alive', await settle([svc.client.listServices()]));
});
