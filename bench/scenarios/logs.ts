import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceLikeEnv, spawnTracked } from '../lib/children.ts';
import { startBenchService } from '../lib/bench-service.ts';
import { createInvokeClient } from '../lib/invoke-client.ts';
import { LOG_LINE_RE } from '../lib/load-jobs.ts';
import { fmt, percentile } from '../lib/stats.ts';
import { compared, type Scenario } from '../lib/types.ts';

/** Prints `event` numbered lines as fast as it can, each stamped with the epoch ms it was printed at. */
const PRINTER_HANDLER = `exports.handler = async (event) => {
  const n = Number(event.toString());
  for (let i = 0; i < n; i++) console.log('BL ' + i + ' ' + (performance.timeOrigin + performance.now()).toFixed(3));
  return String(n);
};`;

/** The floor's printer: the same lines in the runtime's format, straight to a pipe read by this process. */
const FLOOR_PRINTER = `const util = require('util');
const n = Number(process.argv[2]);
for (let i = 0; i < n; i++) {
  const msg = util.format('BL ' + i + ' ' + (performance.timeOrigin + performance.now()).toFixed(3));
  process.stdout.write(new Date().toISOString() + ' 00000000-0000-0000-0000-000000000000 [verbose] ' + msg + '\\n');
}`;

interface Delivery {
  received: number;
  lost: number;
  linesPerSec: number;
  p50: number;
  p99: number;
}

/** Pipe floor: a process prints n lines, this process reads the pipe and splits them. */
async function pipeFloor(n: number): Promise<Delivery> {
  const dir = mkdtempSync(join(tmpdir(), 'fnplay-bench-printer-'));
  writeFileSync(join(dir, 'printer.js'), FLOOR_PRINTER);
  const delays = new Float64Array(n);
  let received = 0;
  let first = Infinity;
  let last = 0;
  const proc = spawnTracked(process.execPath, ['printer.js', String(n)], {
    cwd: dir,
    env: instanceLikeEnv(dir, 0),
    onLine: (line) => {
      const at = performance.timeOrigin + performance.now();
      const m = LOG_LINE_RE.exec(line);
      if (m) {
        const printed = Number(m[2]);
        delays[received++] = at - printed;
        first = Math.min(first, printed);
        last = at;
      }
      return false;
    },
  });
  await proc.exited;
  await new Promise((r) => setImmediate(r)); // the last chunk's 'data' may follow 'exit'
  rmSync(dir, { recursive: true, force: true });
  const got = delays.subarray(0, received);
  return { received, lost: n - received, linesPerSec: received / ((last - first) / 1000), p50: percentile(got, 50), p99: percentile(got, 99) };
}

/**
 * Scenario 5: one invocation prints 100k lines (20k quick) as fast as it can; an SSE subscriber
 * of /api/events (in the load worker) counts every line, none may be lost, and measures the
 * delay from print to delivery. Floor: the same printing into a pipe read directly.
 */
export const logs: Scenario = {
  id: '5',
  title: 'Logs',
  async run({ quick, progress, load }) {
    const n = quick ? 20_000 : 100_000;
    progress.step(`floor: ${n} lines through a pipe`);
    const floor = await pipeFloor(n);
    if (floor.lost) throw new Error(`the pipe floor lost ${floor.lost} lines`);

    const svc = await startBenchService();
    const client = createInvokeClient(svc.url, svc.creds);
    try {
      await svc.deploy('logs', 'printer', { 'index.js': PRINTER_HANDLER });
      await client.invoke('logs', 'printer', '1'); // cold start outside the measurement
      progress.step(`printing ${n} lines, an SSE subscriber of /api/events counting them`);
      let subscribed!: () => void;
      const ready = new Promise<void>((r) => (subscribed = r));
      const delivery = load.run({ kind: 'sse', url: `${svc.url}/api/events`, token: svc.apiToken, expect: n, idleTimeoutMs: 20_000 }, subscribed);
      await ready;
      const t0 = performance.now();
      await client.invoke('logs', 'printer', String(n));
      const invokeMs = performance.now() - t0;
      const r = await delivery;
      const linesPerSec = r.received / ((r.lastAt - r.firstPrintedAt) / 1000);
      const fn: Delivery = { received: r.received, lost: n - r.received, linesPerSec, p50: percentile(r.delaysMs, 50), p99: percentile(r.delaysMs, 99) };
      return {
        figures: [
          compared(`lines/s delivered over SSE (${fn.lost} of ${n} lost)`, fn.linesPerSec, 'lines/s', { name: 'pipe read directly', value: floor.linesPerSec }, { text: `none lost`, met: fn.lost === 0 && r.duplicates === 0 }),
          compared('print → delivery p50', fn.p50, 'ms', { name: 'pipe p50', value: floor.p50 }),
          compared('print → delivery p99', fn.p99, 'ms', { name: 'pipe p99', value: floor.p99 }),
        ],
        notes: [
          `One invocation prints ${n} lines with console.log, each carrying its index and performance.timeOrigin + performance.now(); the subscriber (a worker thread of this process) reads /api/events and stamps each line's arrival the same way. ${r.received} distinct lines arrived, ${r.duplicates} twice; the invocation itself took ${fmt(invokeMs)} ms.`,
          `Floor: the same lines (same format, util.format + ISO date) printed by a bare node process into a pipe that this process reads: ${fmt(floor.linesPerSec)} lines/s, delay p50 ${fmt(floor.p50)} ms, p99 ${fmt(floor.p99)} ms. Printing blocks on a full pipe, so a slow reader shows up in both rate and delay.`,
        ],
      };
    } finally {
      await client.close();
      await svc.close();
    }
  },
};
