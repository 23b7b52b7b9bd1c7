import type { Context } from 'hono';
import { FcError } from '../errors.ts';
import { parseBody } from '../resources/function-ops.ts';
import { serviceName } from '../../shared/names.ts';
import { MAX_TAGS_PER_RESOURCE, tagResourceBody, untagResourceBody, type ResourceTags } from '../../shared/tags.ts';
import { jsonBody, replyJson, requireService, type HttpDeps } from './context.ts';
import type { Route } from './fc-resources.ts';
import { paginate } from './views.ts';

/** The ARN fnplay stores a service's tags under: FC's full form. */
export const serviceArn = (deps: HttpDeps, service: string) => `acs:fc:${deps.region}:${deps.accountId}:services/${service}`;

/**
 * A tagged resource named as FC takes it: `services/<name>` (the SDK's own test) or
 * `acs:fc:<region>:<account>:services/<name>`. FC 2.0 tags services only. The service must exist.
 */
function taggedService(deps: HttpDeps, arn: string): { arn: string; service: string } {
  const m = /^(?:acs:fc:([^:]*):([^:]*):)?services\/([^/]+)$/.exec(arn);
  if (!m) throw new FcError('InvalidArgument', `resourceArn '${arn}' is not a service's ARN: FC 2.0 tags services, named services/<name> or acs:fc:<region>:<account>:services/<name>`);
  const [, region, account, name] = m;
  if (region !== undefined && region !== deps.region) throw new FcError('InvalidArgument', `resourceArn '${arn}' names region '${region}'; this fnplay is region ${deps.region}`);
  if (account !== undefined && account !== deps.accountId) throw new FcError('InvalidArgument', `resourceArn '${arn}' names account '${account}'; this fnplay is account ${deps.accountId}`);
  if (!serviceName.safeParse(name).success) throw new FcError('InvalidArgument', `resourceArn '${arn}' does not end in a valid service name`);
  const s = requireService(deps, name);
  return { arn: serviceArn(deps, s.serviceName), service: s.serviceName };
}

/** Tag calls answer 200 with no body, as the SDKs expect nothing back but the request id. */
const done = (c: Context) => c.body(null, 200);

/** Tags of the FC 2.0 API: tagResource, untagResource, getResourceTags, listTaggedResources. */
export const tagRoutes: Route[] = [
  {
    method: 'POST', path: '/tag',
    handler: async (c, deps) => {
      const body = parseBody(tagResourceBody, await jsonBody(c));
      const { arn } = taggedService(deps, body.resourceArn);
      const merged = { ...deps.store.tags.get(arn), ...body.tags };
      const count = Object.keys(merged).length;
      if (count > MAX_TAGS_PER_RESOURCE) throw new FcError('InvalidArgument', `a resource has at most ${MAX_TAGS_PER_RESOURCE} tags: '${body.resourceArn}' would have ${count}`);
      deps.store.tags.put(arn, body.tags);
      return done(c);
    },
  },
  {
    method: 'DELETE', path: '/tag',
    handler: async (c, deps) => {
      const body = parseBody(untagResourceBody, await jsonBody(c));
      const { arn } = taggedService(deps, body.resourceArn);
      if (body.all) deps.store.tags.deleteAll(arn);
      else deps.store.tags.deleteKeys(arn, body.tagKeys);
      return done(c);
    },
  },
  {
    method: 'GET', path: '/tag',
    handler: (c, deps) => {
      const given = c.req.query('resourceArn');
      if (!given) throw new FcError('InvalidArgument', 'resourceArn is required (query parameter): services/<name> or acs:fc:<region>:<account>:services/<name>');
      const { arn } = taggedService(deps, given);
      const reply: ResourceTags = { resourceArn: arn, tags: deps.store.tags.get(arn) };
      return replyJson(c, reply);
    },
  },
  {
    method: 'GET', path: '/tags',
    handler: (c, deps) => {
      const { page, nextToken } = paginate(deps.store.tags.list(), (r) => r.resourceArn, { limit: c.req.query('limit'), nextToken: c.req.query('nextToken') });
      return replyJson(c, { resources: page, ...(nextToken ? { nextToken } : {}) });
    },
  },
];
