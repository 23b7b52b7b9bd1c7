import cp from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
const marks: Record<string, number> = {};
const orig = cp.spawn;
(cp as any).spawn = (...args: any[]) => {
  marks.spawnCall = performance.now();
  const child = (orig as any)(...args);
  marks.spawnRet = performance.now();
  child.stdout?.on('data', (c: Buffer) => {
    const s = c.toString();
    if (s.includes('inited') || s.includes('listening')) marks.listen ??= performance.now();
    if (s.includes('FC Invoke Start')) marks.invokeStart ??= performance.now();
    if (s.includes('FC Invoke End')) marks.invokeEnd ??= performance.now();
  });
  return child;
};
syncBuiltinESMExports();
const { startBenchService } = await import('./lib/bench-service.ts');
const { createInvokeClient } = await import('./lib/invoke-client.ts');
const { bareServerDir, startBareServer, BARE_SERVER_JS } = await import('./lib/bare-server.ts');
const { summary } = await import('./lib/stats.ts');
const svc = await startBenchService();
const client = createInvokeClient(svc.url, svc.creds);
await svc.deploy('cold', 'node', { 'index.js': `exports.handler = async (event) => event;` });
await svc.deploy('cold', 'custom', { 'server.js': BARE_SERVER_JS }, { runtime: 'custom', customRuntimeConfig: { command: ['node', 'server.js'] } });
const bare = bareServerDir();
const rows: Record<string, Record<string, number[]>> = {};
const add = (k: string, m: Record<string, number>) => {
  rows[k] ??= {};
  for (const [n, v] of Object.entries(m)) (rows[k][n] ??= []).push(v);
};
for (let i = 0; i < 25; i++) {
  for (const fn of ['node', 'custom']) {
    await svc.api(`/functions/cold/${fn}/reclaim`, { method: 'POST' });
    for (const k of Object.keys(marks)) delete marks[k];
    const t0 = performance.now();
    const { requestId } = await client.invoke('cold', fn, 'x');
    const t1 = performance.now();
    const rec = await svc.api(`/invocations/${requestId}`);
    add(fn, { toSpawn: marks.spawnCall - t0, fork: marks.spawnRet - marks.spawnCall, spawnToListen: marks.listen - marks.spawnRet, listenToInvokeStart: (marks.invokeStart ?? NaN) - marks.listen, invokeEndToResp: t1 - (marks.invokeEnd ?? NaN), listenToResp: t1 - marks.listen, total: t1 - t0, pull: rec.initReport.pullCodeMs, initRuntime: rec.initReport.initRuntimeMs });
  }
  for (const k of Object.keys(marks)) delete marks[k];
  const t0 = performance.now();
  const { ms, proc } = await startBareServer(bare.dir);
  const t1 = performance.now();
  add('floor', { toSpawn: marks.spawnCall - t0, fork: marks.spawnRet - marks.spawnCall, spawnToListen: marks.listen - marks.spawnRet, listenToResp: t1 - marks.listen, total: ms });
  await proc.kill();
}
for (const [k, m] of Object.entries(rows)) {
  console.log(k, Object.entries(m).map(([n, v]) => `${n}=${summary(v).p50.toFixed(1)}`).join(' '));
}
await client.close(); await svc.close(); bare.remove();
