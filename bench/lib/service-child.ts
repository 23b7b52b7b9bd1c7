// A fnplay service alone in its own process, for measuring the service's own memory and CPU
// (scenario 4). Started by bench-service.ts; says where it listens on stdout; closes (PreStop and
// stop of every instance) on SIGTERM or when its parent goes away (stdin ends).
import { startFnplay, type FnplayConfig } from '../../src/server/service.ts';

const cfg = JSON.parse(process.argv[2]) as FnplayConfig;
const svc = await startFnplay(cfg);
process.stdout.write(`${JSON.stringify({ url: svc.url, port: svc.port, apiToken: svc.apiToken })}\n`);
let closing = false;
const stop = () => {
  if (closing) return;
  closing = true;
  void svc.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
