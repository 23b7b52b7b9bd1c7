import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HEAD_BYTES, TAIL_BYTES } from '../../src/server/logs/log-budget.ts';
import { startBenchService, type BenchService } from '../lib/bench-service.ts';
import { instanceLikeEnv, spawnTracked } from '../lib/children.ts';
import { createInvokeClient } from '../lib/invoke-client.ts';
import { MB, processCpuMs } from '../lib/machine.ts';
import { idleRss, sampleRss } from '../lib/rss-sampler.ts';
import { fmt } from '../lib/stats.ts';
import { compared, type Figure, type Scenario } from '../lib/types.ts';

const FLOOD_MB = 400;
const LINE_BYTES = 8192; // with its newline
const LINES = (FLOOD_MB * MB) / LINE_BYTES + 1; // and the last line

/** Prints `event` MB in 8 KB lines, written 1 MB at a time, then a last line the tail must keep. */
const FLOOD_HANDLER = `exports.handler = async (event) => {
  const mb = Number(event.toString());
  const block = ('x'.repeat(${LINE_BYTES - 1}) + '\\n').repeat(${MB / LINE_BYTES});
  for (let i = 0; i < mb; i++) process.stdout.write(block);
  console.log('the last line');
  return 'printed ' + mb + ' MB';
};`;

/** The floor's printer: the handler's loop in a bare node process. */
const FLOOR_PRINTER = `const mb = Number(process.argv[2]);
const block = ('x'.repeat(${LINE_BYTES - 1}) + '\\n').repeat(${MB / LINE_BYTES});
for (let i = 0; i < mb; i++) process.stdout.write(block);
console.log('the last line');`;

/** The floor's reader: counts bytes, nothing else, and says how long they took from the first. */
const FLOOR_COUNTER = `let bytes = 0, first = 0;
process.stdin.on('data', (c) => { first ||= performance.now(); bytes += c.length; });
process.stdin.on('end', () => process.stdout.write(JSON.stringify({ bytes, ms: performance.now() - first }) + '\\n'));`;

/** Floor: `node printer.js | node counter.js`, a bare pipe between two processes; first byte → EOF. */
async function pipeFloor(): Promise<{ bytes: number; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fnplay-bench-flood-'));
  writeFileSync(join(dir, 'printer.js'), FLOOR_PRINTER);
  writeFileSync(join(dir, 'counter.js'), FLOOR_COUNTER);
  let result: { bytes: number; ms: number } | null = null;
  const node = `'${process.execPath}'`;
  const proc = spawnTracked('/bin/sh', ['-c', `${node} printer.js ${FLOOD_MB} | ${node} counter.js`], {
    cwd: dir, env: instanceLikeEnv(dir, 0), onLine: (l) => ((result = JSON.parse(l)), true),
  });
  await proc.exited;
  rmSync(dir, { recursive: true, force: true });
  if (!result) throw new Error('the floor pipeline printed no count');
  return result;
}

/** Bytes of the service's store on disk (the database and its WAL). */
const storeBytes = (svc: BenchService) =>
  readdirSync(svc.dataDir).filter((f) => f.startsWith('fnplay.db')).reduce((n, f) => n + statSync(join(svc.dataDir, f)).size, 0);

/**
 * What the store kept of one invocation's log, checked against the budget: its printed lines (the
 * head and the tail) within HEAD_BYTES + TAIL_BYTES, one cut line, and the cut line's counts adding
 * up with what was kept to everything printed.
 */
async function checkStored(svc: BenchService, requestId: string) {
  const { lines } = (await svc.api(`/logs?requestId=${requestId}&limit=10000`)) as { lines: { text: string; source: string }[] };
  const printed = lines.filter((l) => l.source !== 'system');
  const keptBytes = printed.reduce((n, l) => n + Buffer.byteLength(l.text) + 1, 0);
  const cutLines = lines.filter((l) => l.source === 'system' && / were cut: /.test(l.text));
  const m = /^fnplay: (\d+) log lines \((\d+) bytes\)/.exec(cutLines[0]?.text ?? '');
  const last = printed.find((l) => l.text.endsWith('the last line'));
  const printedBytes = FLOOD_MB * MB + (last ? Buffer.byteLength(last.text) + 1 : 0);
  const problems = [
    keptBytes > HEAD_BYTES + TAIL_BYTES && `kept ${keptBytes} bytes, past ${HEAD_BYTES + TAIL_BYTES}`,
    cutLines.length !== 1 && `${cutLines.length} cut lines`,
    !last && 'the last line is not kept',
    m && Number(m[1]) + printed.length !== LINES && `cut ${m[1]} + kept ${printed.length} lines ≠ ${LINES} printed`,
    m && Number(m[2]) + keptBytes !== printedBytes && `cut ${m[2]} + kept ${keptBytes} bytes ≠ ${printedBytes} printed`,
  ].filter((p): p is string => typeof p === 'string');
  return { keptBytes, keptLines: printed.length, storedLines: lines.length, problems };
}

/** One 400 MB invocation: its time, the service's RSS peak and CPU, what the store kept. */
async function flood(svc: BenchService, client: ReturnType<typeof createInvokeClient>, headers: Record<string, string> = {}) {
  const before = await idleRss(svc.pid, 500);
  const storeBefore = storeBytes(svc);
  const cpu0 = processCpuMs(svc.pid);
  const sampler = sampleRss(svc.pid, 25);
  const t0 = performance.now();
  const r = await client.invoke('flood', 'printer', String(FLOOD_MB), headers);
  const ms = performance.now() - t0;
  const rss = sampler.stop();
  const cpuMs = processCpuMs(svc.pid) - cpu0;
  if (r.body !== `printed ${FLOOD_MB} MB`) throw new Error(`the flood answered ${r.body.slice(0, 200)}`);
  const stored = await checkStored(svc, r.requestId);
  const tail = r.headers['x-fc-log-result'] ? Buffer.from(String(r.headers['x-fc-log-result']), 'base64').toString() : null;
  return { ms, before, rss, cpuMs, stored, tail, storeGrowth: storeBytes(svc) - storeBefore };
}

/** The peak against the service's idle RSS before any flood: a later flood starts from what the first left. */
const rssFigure = (label: string, f: Awaited<ReturnType<typeof flood>>, idle: number): Figure =>
  compared(`${label}: service RSS peak (${fmt((f.rss.peak - idle) / MB)} MB above idle)`, f.rss.peak / MB, 'MB', { name: 'service idle', value: idle / MB }, { text: '< 200 MB above idle', met: f.rss.peak - idle < 200 * MB });

/**
 * Scenario 8: one invocation prints 400 MB (8 KB lines, 1 MB per write) as fast as the service
 * takes it. Measured: the invocation's time and lines/s against the same bytes through a bare pipe
 * into a node process that only counts them; the service process's RSS above its idle level,
 * sampled from /proc every 25 ms (and the kernel's VmHWM); what the store kept of that log. Then
 * once more with `x-fc-log-type: Tail`, which also collects the invocation's lines for the answer
 * (the case that took the service to 1.9 GB before the caps).
 */
export const logFlood: Scenario = {
  id: '8',
  title: 'Log flood',
  async run({ progress }) {
    progress.step(`floor: ${FLOOD_MB} MB through a pipe into a node process that counts bytes`);
    const floor = await pipeFloor();
    if (floor.bytes !== FLOOD_MB * MB + 'the last line\n'.length) throw new Error(`the floor counted ${floor.bytes} bytes`);

    const svc = await startBenchService();
    const client = createInvokeClient(svc.url, svc.creds);
    try {
      await svc.deploy('flood', 'printer', { 'index.js': FLOOD_HANDLER }, { memorySize: 512 });
      await client.invoke('flood', 'printer', '1'); // cold start and a first cut outside the measurement
      progress.step('the service idle for a second');
      const idle = await idleRss(svc.pid, 1000);
      progress.step(`one invocation prints ${FLOOD_MB} MB, the service's RSS sampled every 25 ms`);
      const plain = await flood(svc, client);
      progress.step('again with x-fc-log-type: Tail');
      const tailed = await flood(svc, client, { 'x-fc-log-type': 'Tail' });
      if (!tailed.tail?.includes('the last line')) throw new Error('Tail of the flood does not hold its last line');

      const problems = [...plain.stored.problems, ...tailed.stored.problems.map((p) => `with Tail: ${p}`)];
      const linesPerSec = LINES / (plain.ms / 1000);
      const floorLinesPerSec = LINES / (floor.ms / 1000);
      const hwm = (f: typeof plain) => (f.rss.hwmPeak ? `VmHWM ${fmt(f.rss.hwmPeak / MB)} MB` : 'VmHWM did not rise');
      return {
        figures: [
          compared(`${FLOOD_MB} MB printed in one invocation`, plain.ms, 'ms', { name: 'bare pipe into a byte counter', value: floor.ms }),
          { ...compared('lines/s through the service', linesPerSec, 'lines/s', { name: 'bare pipe', value: floorLinesPerSec }), detail: `service CPU ${fmt(plain.cpuMs)} ms (${fmt((plain.cpuMs / plain.ms) * 100)} % of a core)` },
          { ...rssFigure('no Tail', plain, idle), detail: `${plain.rss.samples} samples; ${hwm(plain)}` },
          { ...rssFigure('x-fc-log-type: Tail', tailed, idle), detail: `invocation ${fmt(tailed.ms)} ms; RSS before it ${fmt(tailed.before / MB)} MB; ${tailed.rss.samples} samples; ${hwm(tailed)}` },
          compared(`stored of that invocation (${plain.stored.keptLines} lines + cut line)`, plain.stored.keptBytes / 1024, 'KB', { name: 'head + tail budget', value: (HEAD_BYTES + TAIL_BYTES) / 1024 }, { text: 'within head + tail, one cut line', met: problems.length === 0 }),
        ],
        notes: [
          `One warm instance prints ${FLOOD_MB} MB with process.stdout.write, 1 MB per call, in ${LINE_BYTES}-byte lines (${LINES} lines with the last console.log); the time is the client's, signed InvokeFunction to its answer. The service's RSS is read from /proc/<pid>/status every 25 ms during the call (idle: the median over a second after the warm-up call, before any flood; the Tail run is judged against the same idle, not against what the first flood left); the kernel's VmHWM is read before and after, and is the peak when it rose. Sandbox: ${svc.sandbox.kind}. The store grew by ${fmt(plain.storeGrowth / MB)} MB on disk (${fmt(tailed.storeGrowth / MB)} MB with Tail).`,
          `Stored of the invocation: ${plain.stored.storedLines} lines, of which ${plain.stored.keptLines} printed (${fmt(plain.stored.keptBytes / 1024)} KB) and the rest FC's own; ${problems.length ? `problems: ${problems.join('; ')}` : 'the cut line\'s counts and what was kept add up to everything printed'}.`,
          `Floor: the same loop in a bare node process, \`node printer.js | node counter.js\`, the counter doing nothing but adding up chunk sizes: ${fmt(floor.ms)} ms from its first byte to EOF (${fmt((FLOOD_MB * 1000) / floor.ms)} MB/s); fnplay ${fmt((FLOOD_MB * 1000) / plain.ms)} MB/s, ${fmt((FLOOD_MB * 1000) / tailed.ms)} MB/s with Tail.`,
        ],
      };
    } finally {
      await client.close();
      await svc.close();
    }
  },
};
