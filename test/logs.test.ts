import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, until, type TestService } from './helpers/service.ts';
import { deployNode, invoke, requestIdOf } from './helpers/functions.ts';
import type { LiveEvent, LogLine } from '../src/shared/observe.ts';

let svc: TestService;
let api: ReturnType<typeof playground>;
beforeAll(async () => {
  svc = await startTestService();
  api = playground(svc);
  await deployNode(svc, 'talk', {
    'index.js': `
      exports.handler = async (event, context) => {
        console.log('plain log');
        context.logger.info('info line\\nsecond part');
        context.logger.error('bad thing');
        process.stdout.write('raw stdout\\n');
        process.stderr.write('raw stderr\\n');
        if (event.toString() === 'slow') await new Promise((r) => setTimeout(r, 1500));
        return 'done';
      };`,
  });
});
afterAll(() => svc.close());

/** Subscribes to the SSE stream with a real HTTP client and collects events. */
async function subscribe() {
  const ac = new AbortController();
  const res = await fetch(`${svc.url}/api/events`, { headers: { 'x-fnplay-token': svc.apiToken }, signal: ac.signal });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events: LiveEvent[] = [];
  const reader = res.body!.getReader();
  let buf = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += Buffer.from(value).toString('utf8');
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = block.split('\n').find((l) => l.startsWith('data:'));
          if (data && !block.includes('event: ready')) events.push(JSON.parse(data.slice(5)));
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return { events, close: () => ac.abort() };
}

describe('logs', () => {
  it('stores FC\'s lines with request id, level and source', async () => {
    const r = await invoke(svc, 'svc', 'talk');
    const id = requestIdOf(r as never);
    const lines: LogLine[] = await until(async () => {
      const l = (await api(`/logs?requestId=${id}`)).body.lines as LogLine[];
      return l.some((x) => x.text.startsWith('Duration:')) && l.some((x) => x.text === 'raw stderr') && l;
    }, 'the invocation log');
    const texts = lines.map((l) => l.text);
    expect(texts[0]).toBe(`FC Invoke Start RequestId: ${id}`);
    expect(texts).toContain(`FC Invoke End RequestId: ${id}`);
    const info = lines.find((l) => l.text.includes('info line'))!;
    expect(info.text).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z ${id} \\[INFO\\] info line\\rsecond part$`));
    expect(info.source).toBe('logger');
    expect(info.level).toBe('info');
    expect(lines.find((l) => l.text.includes('bad thing'))!.level).toBe('error');
    expect(lines.find((l) => l.text === 'raw stdout')!.source).toBe('stdout');
    expect(lines.find((l) => l.text === 'raw stderr')!.source).toBe('stderr');
    // The runtime's hidden stderr end line (what keeps stderr lines with their request) is never stored.
    expect(texts.some((t) => t.includes('fnplay:end'))).toBe(false);
    expect(texts.some((t) => /^Duration: [\d.]+ ms, Billed Duration: \d+ ms, Memory Size: 128 MB, Max Memory Used: [\d.]+ MB$/.test(t))).toBe(true);
    expect(texts.some((t) => new RegExp(`^Init Report RequestId: ${id} Coldstart: [\\d.]+ ms PullCode: [\\d.]+ ms InitRuntime: [\\d.]+ ms InitFunction: [\\d.]+ ms$`).test(t))).toBe(true);
    for (const l of lines) expect(l.instanceId).toMatch(/^c-/);
  });

  it('returns the last 4 KB of the invocation log, base64, with x-fc-log-type: Tail', async () => {
    await deployNode(svc, 'loud', { 'index.js': `exports.handler = async () => { for (let i = 0; i < 500; i++) console.log('line ' + i); return 'ok'; };` });
    const r = await invoke(svc, 'svc', 'loud', '', { 'x-fc-log-type': 'Tail' });
    const tail = Buffer.from((r as { headers: Record<string, string> }).headers['x-fc-log-result'], 'base64');
    expect(tail.length).toBeLessThanOrEqual(4096);
    expect(tail.toString()).toContain('line 499');
    expect(tail.toString()).not.toContain('line 1\n');
    expect(tail.toString()).toMatch(/Duration: .* Max Memory Used/);
  });

  it('streams log lines live while the invocation is still running, and instance states', async () => {
    const sub = await subscribe();
    const pending = invoke(svc, 'svc', 'talk', 'slow');
    // 'plain log' is printed before the 1.5 s wait: it must arrive before the invocation ends.
    const line = await until(() => sub.events.find((e) => e.type === 'log' && e.line.text.includes('plain log') && e.line.functionName === 'talk'), 'a live log line');
    let finished = false;
    void pending.then(() => (finished = true));
    expect(finished).toBe(false);
    expect(line.type).toBe('log');
    await pending;
    await until(() => sub.events.some((e) => e.type === 'invocation'), 'the invocation event');
    await until(() => sub.events.some((e) => e.type === 'instance' && e.instance.state === 'Frozen'), 'an instance state event');
    sub.close();
  });

  it('filters history by instance and by function', async () => {
    const r = await invoke(svc, 'svc', 'talk');
    const { instanceId } = (await api(`/invocations/${requestIdOf(r as never)}`)).body;
    const byInstance = (await api(`/logs?instanceId=${instanceId}`)).body.lines as LogLine[];
    expect(byInstance.length).toBeGreaterThan(0);
    expect(byInstance.every((l) => l.instanceId === instanceId)).toBe(true);
    const byFn = (await api(`/logs?service=svc&function=loud`)).body.lines as LogLine[];
    expect(byFn.every((l) => l.functionName === 'loud')).toBe(true);
  });

  it('lists invocation records with their summaries, newest first', async () => {
    const { invocations } = (await api('/functions/svc/talk/invocations')).body;
    expect(invocations.length).toBeGreaterThanOrEqual(3);
    const rec = invocations[0];
    for (const k of ['requestId', 'instanceId', 'coldStart', 'durationMs', 'billedDurationMs', 'memorySizeMB', 'maxMemoryUsedMB', 'codeChecksum', 'status', 'invocationType', 'gbSeconds']) {
      expect(rec).toHaveProperty(k);
    }
    expect(rec.billedDurationMs).toBe(Math.max(1, Math.ceil(rec.durationMs)));
    expect(Date.parse(invocations[0].startTime)).toBeGreaterThanOrEqual(Date.parse(invocations[1].startTime));
  });

  it('answers bad playground queries with InvalidArgument / 404', async () => {
    expect((await api('/logs?afterId=abc')).body.ErrorCode).toBe('InvalidArgument');
    expect((await api('/invocations/nope')).status).toBe(404);
    expect((await api('/functions/svc/nope')).body).toBeNull(); // not deployed yet: a normal state for the page
  });
});
