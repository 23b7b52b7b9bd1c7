// Timer triggers through the official SDK (FC2-API §5.1; FC's time trigger docs): create, get,
// update, delete; every bad input refused with nothing changed; and they really fire, on a
// manual clock the test moves, with FC's timer event, recorded as invocationType 'timer'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../src/server/resources/timer-clock.ts';
import type { InvocationRecord, LogLine } from '../src/shared/observe.ts';
import type { TimerList } from '../src/shared/trigger-config.ts';
import { playground, startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { fcError } from './helpers/fc-errors.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const at = (iso: string) => Date.parse(iso);

let svc: TestService;
let clock: ManualClock;
let api: ReturnType<typeof playground>;
beforeAll(async () => {
  clock = createManualClock(T0);
  svc = await startTestService({ timerClock: clock });
  api = playground(svc);
  await svc.client.createService('tm');
  // The function logs the event it got: the test reads it back from the invocation's log.
  const zipFile = await zipFiles({ 'index.js': `exports.handler = async (event) => { console.log('EVENT ' + event.toString()); return 'ok'; };` });
  for (const fn of ['tick', 'quiet', 'released', 'strict']) await svc.client.createFunction('tm', { functionName: fn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile } });
});
afterAll(() => svc?.close());


const timerInvocations = async (fn: string): Promise<InvocationRecord[]> =>
  ((await api(`/functions/tm/${fn}/invocations?limit=1000`)).body.invocations as InvocationRecord[]).filter((r) => r.invocationType === 'timer');

/** Moves the clock and waits until every firing it caused has ended. */
async function advanceTo(iso: string) {
  clock.advanceTo(at(iso));
  await svc.timers.settled();
}

/** The event a timer invocation's function logged. */
async function eventOf(rec: InvocationRecord) {
  const line = await until(async () => ((await api(`/logs?requestId=${rec.requestId}`)).body.lines as LogLine[]).find((l) => l.text.includes('EVENT ')), 'the event in the log');
  return JSON.parse(line.text.slice(line.text.indexOf('EVENT ') + 6));
}

const timersOf = async (fn: string) => ((await api(`/functions/tm/${fn}/timers`)).body as TimerList).timers;

describe('timer triggers', () => {
  it('are created, read, listed with their next firing, updated and deleted through the SDK', async () => {
    const config = { cronExpression: '@every 1m', payload: '{"hello":"timer"}', enable: true };
    const c = await svc.client.createTrigger('tm', 'tick', { triggerName: 'every-minute', triggerType: 'timer', triggerConfig: config, description: 'd' });
    expect(c.data).toMatchObject({ triggerName: 'every-minute', triggerType: 'timer', triggerConfig: config, qualifier: 'LATEST', description: 'd' });
    expect(c.headers.etag).toBeTruthy();
    expect((await svc.client.getTrigger('tm', 'tick', 'every-minute')).data).toEqual(c.data);
    expect((await svc.client.listTriggers('tm', 'tick')).data.triggers).toEqual([c.data]);
    expect(await timersOf('tick')).toEqual([{ triggerName: 'every-minute', qualifier: 'LATEST', ...config, nextFireTime: '2030-01-01T00:01:00Z' }]);

    // several timers per function, next to its one HTTP trigger
    await svc.client.createTrigger('tm', 'tick', { triggerName: 'cron', triggerType: 'timer', triggerConfig: { cronExpression: 'CRON_TZ=Asia/Shanghai 0 0 4 1 * *' } });
    await svc.client.createTrigger('tm', 'tick', { triggerName: 'web', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } });
    const cron = (await svc.client.getTrigger('tm', 'tick', 'cron')).data;
    expect(cron.triggerConfig).toEqual({ cronExpression: 'CRON_TZ=Asia/Shanghai 0 0 4 1 * *', payload: '', enable: true });
    expect((await timersOf('tick')).find((t) => t.triggerName === 'cron')?.nextFireTime).toBe('2030-01-31T20:00:00Z');

    // partial update: the fields given replace, the others stay
    const u = await svc.client.updateTrigger('tm', 'tick', 'cron', { triggerConfig: { enable: false }, description: 'off' });
    expect(u.data.triggerConfig).toEqual({ cronExpression: 'CRON_TZ=Asia/Shanghai 0 0 4 1 * *', payload: '', enable: false });
    expect(u.data.description).toBe('off');
    expect((await timersOf('tick')).find((t) => t.triggerName === 'cron')?.nextFireTime).toBeNull();

    await svc.client.deleteTrigger('tm', 'tick', 'cron');
    await svc.client.deleteTrigger('tm', 'tick', 'web');
    expect((await svc.client.listTriggers('tm', 'tick')).data.triggers.map((t: { triggerName: string }) => t.triggerName)).toEqual(['every-minute']);
  });

  it('fire on their schedule: the function gets FC\'s timer event with the payload, and the record says timer', async () => {
    expect(await timerInvocations('tick')).toEqual([]);
    await advanceTo('2030-01-01T00:00:59Z');
    expect(await timerInvocations('tick')).toEqual([]);
    await advanceTo('2030-01-01T00:01:00Z');
    const [rec] = await until(async () => ((await timerInvocations('tick')).length === 1 ? timerInvocations('tick') : null), 'the first firing\'s record');
    expect(rec).toMatchObject({ invocationType: 'timer', status: 'succeeded', qualifier: 'LATEST', versionId: 'LATEST', serviceName: 'tm', functionName: 'tick' });
    expect(await eventOf(rec)).toEqual({ triggerTime: '2030-01-01T00:01:00Z', triggerName: 'every-minute', payload: '{"hello":"timer"}' });
    expect((await timersOf('tick'))[0].nextFireTime).toBe('2030-01-01T00:02:00Z');

    // each interval fires once, with its own time
    await advanceTo('2030-01-01T00:03:00Z');
    const recs = await until(async () => ((await timerInvocations('tick')).length === 3 ? timerInvocations('tick') : null), 'three firings');
    const times = await Promise.all(recs.map(async (r) => (await eventOf(r)).triggerTime));
    expect(times.sort()).toEqual(['2030-01-01T00:01:00Z', '2030-01-01T00:02:00Z', '2030-01-01T00:03:00Z']);
  });

  it('do not fire while disabled, and stop once deleted', async () => {
    const before = (await timerInvocations('tick')).length;
    await svc.client.updateTrigger('tm', 'tick', 'every-minute', { triggerConfig: { enable: false } });
    await advanceTo('2030-01-01T00:10:00Z');
    expect((await timerInvocations('tick')).length).toBe(before);

    // enabled again: it counts its minutes from then
    await svc.client.updateTrigger('tm', 'tick', 'every-minute', { triggerConfig: { enable: true, payload: 'second' } });
    expect((await timersOf('tick'))[0].nextFireTime).toBe('2030-01-01T00:11:00Z');
    await advanceTo('2030-01-01T00:11:00Z');
    const recs = await until(async () => ((await timerInvocations('tick')).length === before + 1 ? timerInvocations('tick') : null), 'the firing after enabling');
    expect((await eventOf(recs[0])).payload).toBe('second');

    await svc.client.deleteTrigger('tm', 'tick', 'every-minute');
    await advanceTo('2030-01-01T00:20:00Z');
    expect((await timerInvocations('tick')).length).toBe(before + 1);
    expect(await timersOf('tick')).toEqual([]);
  });

  it('invoke the version or alias they are created on', async () => {
    await svc.client.publishVersion('tm', 'v1');
    await svc.client.createAlias('tm', 'prod', '1');
    await svc.client.createTrigger('tm', 'released', { triggerName: 'on-alias', triggerType: 'timer', qualifier: 'prod', triggerConfig: { cronExpression: '0 0/5 * * * *', payload: 'alias' } });
    await svc.client.createTrigger('tm', 'released', { triggerName: 'on-version', triggerType: 'timer', qualifier: '1', triggerConfig: { cronExpression: '0 0/5 * * * *', payload: 'version' } });
    const timers = await timersOf('released');
    expect(timers.map((t) => [t.triggerName, t.qualifier, t.nextFireTime])).toEqual([
      ['on-alias', 'prod', '2030-01-01T00:25:00Z'],
      ['on-version', '1', '2030-01-01T00:25:00Z'],
    ]);
    await advanceTo('2030-01-01T00:25:00Z');
    const recs = await until(async () => ((await timerInvocations('released')).length === 2 ? timerInvocations('released') : null), 'both firings');
    const byQualifier = Object.fromEntries(recs.map((r) => [r.qualifier, r]));
    expect(byQualifier.prod).toMatchObject({ versionId: '1', status: 'succeeded' });
    expect(byQualifier['1']).toMatchObject({ versionId: '1', status: 'succeeded' });
    expect((await eventOf(byQualifier.prod)).payload).toBe('alias');
    expect((await eventOf(byQualifier['1'])).triggerName).toBe('on-version');
    await svc.client.deleteTrigger('tm', 'released', 'on-alias');
    await svc.client.deleteTrigger('tm', 'released', 'on-version');
  });

  it('refuse bad input, saying what is wrong, and change nothing', async () => {
    const base = { triggerName: 'ok', triggerType: 'timer', triggerConfig: { cronExpression: '@every 5m', payload: 'p', enable: true } };
    const cfg = (patch: Record<string, unknown>) => ({ triggerConfig: { ...base.triggerConfig, ...patch } });
    const bad: [string, Record<string, unknown>, RegExp][] = [
      ['not a cron expression', cfg({ cronExpression: 'bogus' }), /six fields/],
      ['an interval under a minute', cfg({ cronExpression: '@every 30s' }), /under FC's minimum of one minute/],
      ['an interval in an unknown unit', cfg({ cronExpression: '@every 5d' }), /@every takes a duration/],
      ['five fields', cfg({ cronExpression: '0 * * * *' }), /six fields/],
      ['every second', cfg({ cronExpression: '* * * * * *' }), /more than once a minute/],
      ['an hour out of range', cfg({ cronExpression: '0 0 25 * * *' }), /0-23/],
      ['an unknown time zone', cfg({ cronExpression: 'CRON_TZ=Mars/Olympus 0 0 4 * * *' }), /not an IANA time zone/],
      ['no cronExpression', { triggerConfig: { payload: 'p' } }, /cronExpression/],
      ['a payload that is not a string', cfg({ payload: { a: 1 } }), /payload: must be a string/],
      ['a payload over 128 KB', cfg({ payload: 'x'.repeat(128 * 1024 + 1) }), /payload: must be at most 131072 bytes/],
      ['enable that is not a boolean', cfg({ enable: 'yes' }), /enable: must be a boolean/],
      ['an OSS trigger', { triggerType: 'oss', triggerConfig: {} }, /need Object Storage Service .* fnplay runs http and timer triggers only/],
      ['an unknown type', { triggerType: 'kafka' }, /not a trigger type; FC's are http, timer, oss, log, mns_topic, cdn_events, tablestore, eventbridge/],
    ];
    for (const [what, patch, message] of bad) {
      const err = await fcError(svc.client.createTrigger('tm', 'strict', { ...base, ...patch }), 'InvalidArgument');
      expect(err.message, what).toMatch(message);
    }
    for (const type of ['log', 'mns_topic', 'cdn_events', 'tablestore', 'eventbridge']) {
      const err = await fcError(svc.client.createTrigger('tm', 'strict', { ...base, triggerType: type }), 'InvalidArgument');
      expect(err.message).toContain('fnplay runs http and timer triggers only');
    }
    await fcError(svc.client.createTrigger('tm', 'strict', { ...base, qualifier: 'no-such-alias' }), 'AliasNotFound');
    expect((await svc.client.listTriggers('tm', 'strict')).data.triggers).toEqual([]);

    await svc.client.createTrigger('tm', 'strict', base);
    const before = await svc.client.getTrigger('tm', 'strict', 'ok');
    for (const [what, triggerConfig] of [
      ['bad cron', { cronExpression: '61 * * * * *' }],
      ['short interval', { cronExpression: '@every 59s' }],
      ['payload not a string', { payload: 7 }],
      ['enable not a boolean', { enable: 'no' }],
    ] as const) {
      const err = await fcError(svc.client.updateTrigger('tm', 'strict', 'ok', { triggerConfig }), 'InvalidArgument');
      expect(err.message, what).toContain('triggerConfig');
    }
    const after = await svc.client.getTrigger('tm', 'strict', 'ok');
    expect(after.data).toEqual(before.data);
    expect(after.headers.etag).toBe(before.headers.etag);
    expect((await timersOf('strict'))[0].cronExpression).toBe('@every 5m');
  });

  it('lists nothing for a function without timers, and 404s an unknown one', async () => {
    expect(await timersOf('quiet')).toEqual([]);
    const res = await api('/functions/tm/nope/timers');
    expect(res.status).toBe(404);
    expect(res.body.ErrorCode).toBe('FunctionNotFound');
  });
});
