// A fnplay service alone in its own process, for measuring the service's own memory and CPU
// (scenario 4). Started by bench-service.ts; says where it listens on stdout; closes (PreStop and
// stop of every instance) on SIGTERM or when its parent goes away (stdin ends). Over the IPC
// channel it takes the calls that have no HTTP route (importing an image into its store).
import { startFnplay, type FnplayConfig } from '../../src/server/service.ts';
import type { ServiceCall, ServiceCallReply } from './service-process.ts';

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

process.on('message', (call: ServiceCall) => {
  const reply = (r: ServiceCallReply) => process.send?.(r);
  if (call.op !== 'importImage') return reply({ id: call.id, ok: false, error: `unknown call ${String(call.op)}` });
  svc.images.import(call.file, { name: call.name }).then(
    (images) => reply({ id: call.id, ok: true, value: images.map((i) => ({ digest: i.digest, references: i.references, size: i.size, uncompressedSize: i.uncompressedSize })) }),
    (err: Error) => reply({ id: call.id, ok: false, error: err.message }),
  );
});
