// Tags (tagResource, untagResource, getResourceTags, listTaggedResources, listServices by tags)
// as the SDK's own test uses them, with FC's limits; and the account calls (reserved capacities,
// account settings with the limits fnplay applies).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, startTestService, type TestService } from './helpers/service.ts';
import { fcError } from './helpers/fc-errors.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
});
afterAll(() => svc.close());


const ARN = (s: string) => `acs:fc:cn-hangzhou:${ACCOUNT_ID}:services/${s}`;
const tagsOf = async (arn: string) => (await svc.client.getResourceTags({ resourceArn: arn })).data.tags;
const serviceNames = async (tags: Record<string, string>) => (await svc.client.listServices({ tags, limit: 100 })).data.services.map((s: { serviceName: string }) => s.serviceName);

describe('tags', () => {
  it('follow the SDK test: tag, get, list services by tags, untag one, untag all', async () => {
    const name = 'svc_tag_test';
    await svc.client.createService(name);
    await svc.client.createService('untagged');
    await svc.client.tagResource(`services/${name}`, { k1: 'v1', k2: 'v2' });
    const resp = await svc.client.getResourceTags({ resourceArn: `services/${name}` });
    // one canonical ARN, whichever form was given
    expect(resp.data).toEqual({ resourceArn: ARN(name), tags: { k1: 'v1', k2: 'v2' } });
    expect(await tagsOf(ARN(name))).toEqual({ k1: 'v1', k2: 'v2' });

    expect(await serviceNames({ k1: 'v1', k2: 'v2' })).toEqual([name]);
    expect(await serviceNames({ k1: 'v1' })).toEqual([name]);
    expect(await serviceNames({ k1: 'v2' })).toEqual([]);
    expect(await serviceNames({ k_no_exist: 'v3_no_exist' })).toEqual([]);
    expect(await serviceNames({})).toEqual(expect.arrayContaining([name, 'untagged']));

    const listed = await svc.client.get('/tags');
    expect(listed.data.resources).toContainEqual({ resourceArn: ARN(name), tags: { k1: 'v1', k2: 'v2' } });

    // a tag again replaces its value
    await svc.client.tagResource(ARN(name), { k2: 'v2b' });
    expect(await tagsOf(`services/${name}`)).toEqual({ k1: 'v1', k2: 'v2b' });

    await svc.client.untagResource(`services/${name}`, ['k1'], false);
    const after = await tagsOf(`services/${name}`);
    expect(after.k1).toBeUndefined();
    expect(after.k2).toBe('v2b');
    await svc.client.untagResource(`services/${name}`, [], true);
    expect(Object.keys(await tagsOf(`services/${name}`))).toHaveLength(0);
    expect((await svc.client.get('/tags')).data.resources.find((r: { resourceArn: string }) => r.resourceArn === ARN(name))).toBeUndefined();
  });

  it('go with their service: a service deleted and made again has none', async () => {
    await svc.client.createService('short_lived');
    await svc.client.tagResource('services/short_lived', { team: 'a' });
    await svc.client.deleteService('short_lived');
    await fcError(svc.client.getResourceTags({ resourceArn: 'services/short_lived' }), 'ServiceNotFound');
    await svc.client.createService('short_lived');
    expect(await tagsOf('services/short_lived')).toEqual({});
  });

  it('refuse bad ARNs, too many tags, reserved keys and unknown services, changing nothing', async () => {
    await svc.client.createService('strict_tags');
    await svc.client.tagResource('services/strict_tags', { keep: 'me' });
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v']));
    const bad: [string, Promise<unknown>, string, RegExp][] = [
      ['a function ARN', svc.client.tagResource('services/strict_tags/functions/f', { a: 'b' }), 'InvalidArgument', /tags services/],
      ['not an ARN', svc.client.tagResource('strict_tags', { a: 'b' }), 'InvalidArgument', /not a service's ARN/],
      ['another region', svc.client.tagResource(`acs:fc:cn-beijing:${ACCOUNT_ID}:services/strict_tags`, { a: 'b' }), 'InvalidArgument', /region 'cn-beijing'/],
      ['another account', svc.client.tagResource('acs:fc:cn-hangzhou:999:services/strict_tags', { a: 'b' }), 'InvalidArgument', /account '999'/],
      ['more than 20 in one call', svc.client.tagResource('services/strict_tags', { ...twenty, one: 'more' }), 'InvalidArgument', /at most 20 tags per resource, got 21/],
      ['more than 20 with the ones it has', svc.client.tagResource('services/strict_tags', twenty), 'InvalidArgument', /would have 21/],
      ['no tags', svc.client.tagResource('services/strict_tags', {}), 'InvalidArgument', /at least one tag/],
      ['an aliyun key', svc.client.tagResource('services/strict_tags', { aliyunX: 'v' }), 'InvalidArgument', /must not start with 'aliyun' or 'acs:'/],
      ['an acs: key', svc.client.tagResource('services/strict_tags', { 'acs:x': 'v' }), 'InvalidArgument', /must not start with 'aliyun' or 'acs:'/],
      ['a key over 64 characters', svc.client.tagResource('services/strict_tags', { ['k'.repeat(65)]: 'v' }), 'InvalidArgument', /1 to 64 characters/],
      ['a value over 128 characters', svc.client.tagResource('services/strict_tags', { k: 'v'.repeat(129) }), 'InvalidArgument', /at most 128 characters/],
      ['a value that is not a string', svc.client.tagResource('services/strict_tags', { k: 1 }), 'InvalidArgument', /must be a string/],
      ['a URL in a value', svc.client.tagResource('services/strict_tags', { k: 'https://x' }), 'InvalidArgument', /http/],
      ['an unknown service', svc.client.tagResource('services/nope', { a: 'b' }), 'ServiceNotFound', /service 'nope' does not exist/],
      ['untag nothing', svc.client.untagResource('services/strict_tags', [], false), 'InvalidArgument', /at least one key, or all: true/],
      ['untag an unknown service', svc.client.untagResource('services/nope', ['a'], false), 'ServiceNotFound', /nope/],
      ['get without an ARN', svc.client.getResourceTags({}), 'InvalidArgument', /resourceArn is required/],
      ['get an unknown service', svc.client.getResourceTags({ resourceArn: 'services/nope' }), 'ServiceNotFound', /nope/],
    ];
    for (const [what, call, code, message] of bad) {
      const err = await fcError(call, code);
      expect(err.message, what).toMatch(message);
    }
    expect(await tagsOf('services/strict_tags')).toEqual({ keep: 'me' });
  });
});

describe('account calls', () => {
  it('list no reserved capacities', async () => {
    expect((await svc.client.listReservedCapacities()).data).toEqual({ reservedCapacities: [] });
  });

  it('answer the account settings in FC\'s shape, with the limits fnplay applies', async () => {
    const s = (await svc.client.getAccountSettings()).data;
    expect(s.availableAZs).toEqual([]);
    expect(s.defaultRole).toBe(`acs:ram::${ACCOUNT_ID}:role/aliyunfcdefaultrole`);
    expect(s.fnplayLimits).toMatchObject({
      maxInstances: 300,
      codeZipBytes: 100 * 1024 * 1024,
      syncPayloadBytes: 16 * 1024 * 1024,
      timerPayloadBytes: 128 * 1024,
      timeoutSeconds: { min: 1, max: 86400 },
      memorySizeMB: { min: 128, max: 32768, multipleOf: 64 },
      instanceConcurrency: { min: 1, max: 100 },
      tagsPerResource: 20,
    });
  });
});
