import { startBenchService } from './lib/bench-service.ts';
import { ECHO_HANDLER } from './lib/echo-function.ts';
import { memoryOf } from './lib/machine.ts';
const svc = await startBenchService({ ownProcess: true });
await svc.deploy('s', 'a', { 'index.js': ECHO_HANDLER });
console.log(await svc.client.invokeFunction('s', 'a', 'hello').then((r) => r.data.toString()));
console.log(svc.pid, memoryOf(svc.pid));
await svc.close();
