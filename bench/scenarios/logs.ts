import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEAD_BYTES } from '../../src/server/logs/log-budget.ts';
import { instanceLikeEnv, spawnTracked } from '../lib/children.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { createInvokeClient } from '../lib/invoke-client.ts';
import { LOG_LINE_RE } from '../lib/load-jobs.ts';
import { fmt, percentile } from '../lib/stats.ts';
import { compared, type Scenario } from '../lib/types.ts';

/**
 * Prints lines `from` to `from + count - 1` (event `"<from> <count>"`) as fast as it can, each
 * stamped with the epoch ms it was printed at. A line is ~100 bytes as stored (the runtime's
 * `<time> <request id> [verbose] ` prefix and `BL <index> <stamp>`), so 1,000 of them stay well
 * inside the 256 KB an invocation keeps of its log before cutting.
 */
const PRINTER_HANDLER = `exports.handler = async (event) => {
  const [from, count] = event.toString().split(' ').map(Number);
  for (let i = from; i < from + count; i++) console.log('BL ' + i + ' ' + (performance.timeOrigin + performance.now()).toFixed(3));
  return String(count);
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

/** The stored log of one invocation: its numbered lines, their bytes as the budget counts them, and any cut line. */
async function storedLog(svc: BenchService, requestId: string) {
  const { lines } = (await svc.api(`/logs?requestId=${requestId}&limit=10000`)) as { lines: { text: string; source: string }[] };
  const numbered = lines.filter((l) => LOG_LINE_RE.test(l.text));
  return {
    numbered: numbered.length,
    bytes: numbered.reduce((n, l) => n + Buffer.byteLength(l.text) + 1, 0),
    cut: lines.some((l) => l.source === 'system' && / were cut: /.test(l.text)),
  };
}

/**
 * Scenario 5: 100 invocations (20 quick) of one function each print 1,000 lines as fast as they
 * can, one after the other: 100k lines (20k), each invocation inside the log it may keep, so none
 * may be lost, neither live nor in the store. An SSE subscriber of /api/events (in the load
 * worker) counts every line and measures the delay from print to delivery. Floor: the same
 * number of lines printed by one process into a pipe read directly.
 */
export const logs: Scenario = {
  id: '5',
  title: 'Logs',
  async run({ quick, progress, load }) {
    const perCall = 1000;
    const calls = quick ? 20 : 100;
    const n = perCall * calls;
    progress.step(`floor: ${n} lines through a pipe`);
    const floor = await pipeFloor(n);
    if (floor.lost) throw new Error(`the pipe floor lost ${floor.lost} lines`);

    const svc = await startBenchService();
    const client = createInvokeClient(svc.url, svc.creds);
    try {
      await svc.deploy('logs', 'printer', { 'index.js': PRINTER_HANDLER });
      await client.invoke('logs', 'printer', '0 0'); // cold start outside the measurement
      progress.step(`${calls} invocations of ${perCall} lines each, an SSE subscriber of /api/events counting them`);
      let subscribed!: () => void;
      const ready = new Promise<void>((r) => (subscribed = r));
      const delivery = load.run({ kind: 'sse', url: `${svc.url}/api/events`, token: svc.apiToken, expect: n, idleTimeoutMs: 20_000 }, subscribed);
      await ready;
      const tick = progress.counter('invocations', calls);
      const requestIds: string[] = [];
      const t0 = performance.now();
      for (let c = 0; c < calls; c++) {
        requestIds.push((await client.invoke('logs', 'printer', `${c * perCall} ${perCall}`)).requestId);
        tick(c + 1);
      }
      const invokeMs = performance.now() - t0;
      const r = await delivery;
      const linesPerSec = r.received / ((r.lastAt - r.firstPrintedAt) / 1000);
      const fn: Delivery = { received: r.received, lost: n - r.received, linesPerSec, p50: percentile(r.delaysMs, 50), p99: percentile(r.delaysMs, 99) };

      // What the store kept of each invocation: all of it, with no cut line.
      const stored = await Promise.all(requestIds.map((id) => storedLog(svc, id)));
      const storedLines = stored.reduce((a, s) => a + s.numbered, 0);
      const cutCalls = stored.filter((s) => s.cut).length;
      const maxBytes = Math.max(...stored.map((s) => s.bytes));
      if (maxBytes > HEAD_BYTES) throw new Error(`an invocation printed ${maxBytes} bytes, past the ${HEAD_BYTES} it keeps uncut: the scenario no longer measures delivery`);
      const whole = fn.lost === 0 && r.duplicates === 0 && storedLines === n && cutCalls === 0;
      return {
        figures: [
          compared(`lines/s delivered over SSE (${fn.lost} of ${n} lost live, ${n - storedLines} in the store)`, fn.linesPerSec, 'lines/s', { name: 'pipe read directly', value: floor.linesPerSec }, { text: 'none lost', met: whole }),
          compared('print → delivery p50', fn.p50, 'ms', { name: 'pipe p50', value: floor.p50 }),
          compared('print → delivery p99', fn.p99, 'ms', { name: 'pipe p99', value: floor.p99 }),
        ],
        notes: [
          `${calls} invocations, one after the other on one warm instance, each print ${perCall} lines with console.log (${fmt(maxBytes / 1024)} KB of log at most, under the ${HEAD_BYTES / 1024} KB head an invocation keeps before cutting), each line carrying its index and performance.timeOrigin + performance.now(); the subscriber (a worker thread of this process) reads /api/events and stamps each line's arrival the same way. ${r.received} distinct lines arrived, ${r.duplicates} twice; the store holds ${storedLines} of them, ${cutCalls} invocations have a cut line. The ${calls} invocations took ${fmt(invokeMs)} ms in all; the rate is first print → last arrival, so it includes the gaps between invocations.`,
          `Floor: the same number of lines (same format, util.format + ISO date) printed by one bare node process into a pipe that this process reads: ${fmt(floor.linesPerSec)} lines/s, delay p50 ${fmt(floor.p50)} ms, p99 ${fmt(floor.p99)} ms. Printing blocks on a full pipe, so a slow reader shows up in both rate and delay.`,
        ],
      };
    } finally {
      await client.close();
      await svc.close();
    }
  },
};
