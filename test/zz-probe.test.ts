import { it } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFnplay } from '../src/server/service.ts';
function raw(host: string, port: number, hostHeader: string) {
  return new Promise<number>((resolve, reject) => {
    const req = request({ host, port, path: '/', headers: { host: hostHeader }, setHost: false }, (res) => { res.resume(); resolve(res.statusCode!); });
    req.on('error', reject); req.end();
  });
}
it('probe', async () => {
  for (const h of ['::1', '0.0.0.0']) {
    const s = await startFnplay({ host: h, port: 0, dataDir: mkdtempSync(join(tmpdir(), 'p-')), maxInstances: 10, idleTtlSec: 60, keys: { accessKeyId: 'a', accessKeySecret: 'b' }, accountId: '1' });
    console.log(h, s.url, await raw(h === '::1' ? '::1' : '127.0.0.1', s.port, h === '::1' ? `[::1]:${s.port}` : `127.0.0.1:${s.port}`), await raw(h === '::1' ? '::1' : '127.0.0.1', s.port, h === '::1' ? `[::1]` : `localhost`));
    await s.close();
  }
});
