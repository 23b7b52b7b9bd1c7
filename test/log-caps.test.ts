import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEAD_BYTES, TAIL_BYTES } from '../src/server/logs/log-budget.ts';
import { MAX_JSON_BODY } from '../src/server/http/context.ts';
import { playground, startTestService, type TestService } from './helpers/service.ts';
import { deployNode, invoke, requestIdOf } from './helpers/functions.ts';

// Nothing a function prints or a client sends can take the service's memory or the store's disk:
// each cap is pinned here with the figure the README gives.

// Prints `mb` MB in 8 KB lines (one write per MB), then a last line the tail must keep.
const FLOOD = `exports.handler = async (event) => {
  const mb = Number(event.toString());
  const line = 'x'.repeat(8191) + '\\n';
  const block = line.repeat(128);
  for (let i = 0; i < mb; i++) process.stdout.write(block);
  console.log('the last line');
  return 'printed ' + mb + ' MB';
};`;

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService({ maxStoredLogBytes: 8 * 1024 * 1024 });
  await deployNode(svc, 'flood', { 'index.js': FLOOD }, { timeout: 120, memorySize: 512 });
});
afterAll(() => svc.close());

describe('log caps', () => {
  it('keeps the head and the tail of a 400 MB print, says what it cut, and the service stays small', async () => {
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const r = await invoke(svc, 'svc', 'flood', '400', { 'x-fc-log-type': 'Tail' });
    clearInterval(sampler);
    expect(r.ok && r.data).toBe('printed 400 MB');
    // The service runs in this process: its growth is this process's growth.
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);

    const id = requestIdOf(r as never);
    const lines = (await playground(svc)(`/logs?requestId=${id}&limit=10000`)).body.lines as { text: string; source: string }[];
    const printed = lines.filter((l) => l.source === 'stdout');
    const bytes = printed.reduce((n, l) => n + l.text.length + 1, 0);
    expect(bytes).toBeLessThanOrEqual(HEAD_BYTES + TAIL_BYTES);
    expect(bytes).toBeGreaterThan(HEAD_BYTES);
    const cut = lines.find((l) => l.text.startsWith('fnplay: ') && l.text.includes('were cut'));
    expect(cut?.text).toMatch(/^fnplay: \d+ log lines \(\d+ bytes\) of this invocation were cut/);
    const texts = lines.map((l) => l.text);
    expect(texts.indexOf(cut!.text)).toBeLessThan(texts.findIndex((t) => t.includes('the last line')));
    expect(texts.findIndex((t) => t.includes('the last line'))).toBeLessThan(texts.findIndex((t) => t.startsWith('FC Invoke End')));
    // Tail is built from what was kept: its end is the invocation's last lines.
    const tail = Buffer.from((r as { headers: Record<string, string> }).headers['x-fc-log-result'], 'base64').toString();
    expect(tail).toContain('the last line');
    expect(tail).toContain('Duration:');
  });

  it('keeps the stored log under its byte cap, oldest lines first, and never drops an invocation record', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(requestIdOf((await invoke(svc, 'svc', 'flood', '1')) as never));
    const all = (await playground(svc)('/logs?limit=10000')).body.lines as { text: string; requestId: string | null }[];
    const stored = all.reduce((n, l) => n + l.text.length, 0);
    expect(stored).toBeLessThanOrEqual(8 * 1024 * 1024);
    // The newest invocation's log is whole; the oldest ones' lines went first.
    expect(all.some((l) => l.requestId === ids[ids.length - 1] && l.text.includes('the last line'))).toBe(true);
    expect(all.some((l) => l.requestId === ids[0])).toBe(false);
    const records = (await playground(svc)('/functions/svc/flood/invocations?limit=1000')).body.invocations as { requestId: string }[];
    for (const id of ids) expect(records.some((rec) => rec.requestId === id)).toBe(true);
  });
});

describe('body caps', () => {
  it(`refuses a JSON body over ${MAX_JSON_BODY} bytes with InvalidArgument, without reading it into memory`, async () => {
    const huge = 'x'.repeat(MAX_JSON_BODY + 1);
    await expect(svc.client.createService('huge', { description: huge })).rejects.toMatchObject({ code: 'InvalidArgument' });
    await expect(svc.client.getService('huge')).rejects.toMatchObject({ code: 'ServiceNotFound' });
  });
});
