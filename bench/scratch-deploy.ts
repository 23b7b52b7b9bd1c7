import { startBenchService } from './lib/bench-service.ts';
import { ECHO_HANDLER } from './lib/echo-function.ts';
const t0 = performance.now();
const svc = await startBenchService();
console.log('start', performance.now() - t0);
for (const fn of ['a', 'b', 'c']) {
  const t1 = performance.now();
  await svc.deploy('s', fn, { 'index.js': ECHO_HANDLER });
  console.log('deploy', fn, performance.now() - t1);
}
const t2 = performance.now();
await svc.close();
console.log('close', performance.now() - t2);
