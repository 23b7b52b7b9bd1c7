// Every bad input answers FC's shape (SPEC §1: 400 InvalidArgument naming the field, and nothing
// changes). The table is generated from a seed (test/helpers/bad-input-cases.ts): bad names, bad
// characters in every field by where it goes, values past their limits, wrong types, bodies that
// are not JSON, broken zips through every way code arrives, and bad playground query parameters.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInputCases, FIXTURES as F, type Target } from './helpers/bad-input-cases.ts';
import { startTestService, type TestService } from './helpers/service.ts';

const SEED = 0x8bad1;
const CASES = badInputCases(SEED);

let svc: TestService;
let target: Target;
let before: Awaited<ReturnType<typeof state>>;

/** Everything a bad request could have changed: resources, their times and checksums, and stored code. */
async function state() {
  const { client } = svc;
  const services = (await client.listServices({ limit: 100 })).data.services;
  // accelerationInfo moves on by itself (preparation finishing); everything else must stand still
  const functions = (await client.listFunctions(F.service, { limit: 100 })).data.functions.map(({ accelerationInfo: _, ...f }: Record<string, unknown>) => f);
  const triggers = (await client.listTriggers(F.service, F.nodeFn)).data.triggers;
  const onDemand = (await client.listOnDemandConfigs({ limit: 100 })).data.configs;
  const zips = readdirSync(join(svc.dataDir, 'code', 'zips')).sort();
  return { services, functions, triggers, onDemand, zips };
}

beforeAll(async () => {
  svc = await startTestService();
  target = { client: svc.client, port: svc.port, apiToken: svc.apiToken };
  await svc.client.createService(F.service, { description: 'orig', logConfig: { project: 'my-project', logstore: 'my-logstore' } });
  await svc.client.createFunction(F.service, {
    functionName: F.nodeFn, runtime: 'nodejs20', handler: 'index.handler', environmentVariables: { K: 'v' }, code: { zipFile: F.zipFile },
  });
  await svc.client.createTrigger(F.service, F.nodeFn, { triggerName: F.trigger, triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } });
  await svc.client.createFunction(F.service, { functionName: F.customFn, runtime: 'custom', handler: 'index.handler', code: { zipFile: F.bootstrapZip } });
  await svc.client.createFunction(F.service, { functionName: F.dirFn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: F.dirZip } });
  before = await state();
});
afterAll(() => svc.close());

describe('the bad-input table', () => {
  it('has at least 300 cases, the same ones on every run', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
    expect(badInputCases(SEED).map((c) => c.name)).toEqual(CASES.map((c) => c.name));
  });
});

describe('every bad input answers a 4xx in FC\'s shape and changes nothing', () => {
  it.each(CASES)('$name', async (c) => {
    // Its own before and after, so that a case that changed something fails alone.
    const was = await state();
    const r = await c.send(target);
    expect({ status: r.status, code: r.json?.ErrorCode }).toEqual({ status: c.status, code: c.code });
    expect(r.contentType).toMatch(/^application\/json/);
    expect(r.json?.ErrorMessage).toMatch(c.message);
    expect(await state()).toEqual(was);
  });

  it('leaves the fixtures as they were, and the function still answers', async () => {
    expect(await state()).toEqual(before);
    expect((await svc.client.invokeFunction(F.service, F.nodeFn, '')).data).toBe('ok');
  });
});
