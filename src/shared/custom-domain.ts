import { z } from 'zod';
import { functionName, serviceName } from './names.ts';

// FC 2.0 custom domains (createCustomDomain & co.): a domain name with routes from path patterns
// to functions. fnplay serves each on an origin of its own, `http://<domainName>.localhost:<port>`.

// eslint-disable-next-line no-control-regex
const noControl = (field: string) => (v: string) => !/[\u0000-\u001f\u007f]/.test(v) || `${field} must not contain control characters`;

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS'] as const;

const routeSchema = z.object({
  path: z.string().min(1).max(2048).startsWith('/', 'routeConfig.routes[].path must start with /').refine((v) => noControl('routeConfig.routes[].path')(v) === true, 'routeConfig.routes[].path must not contain control characters'),
  serviceName,
  functionName,
  qualifier: z.string().min(1).max(128).optional(),
  methods: z.array(z.enum(HTTP_METHODS)).optional(),
});
export type CustomDomainRoute = z.infer<typeof routeSchema>;

/** A domain name as FC takes it: lower-case DNS labels, at least two. */
export const domainName = z.string().max(253).regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'domainName must be a lower-case DNS name like api.example.com');

export const customDomainBody = z.object({
  domainName,
  protocol: z.enum(['HTTP', 'HTTP,HTTPS']).optional(),
  routeConfig: z.object({ routes: z.array(routeSchema).max(100) }).optional(),
  certConfig: z.unknown().optional(),
  apiVersion: z.string().optional(),
}).strict();

export const updateCustomDomainBody = customDomainBody.omit({ domainName: true }).partial();

export interface CustomDomain {
  domainName: string;
  protocol: string;
  apiVersion: string;
  routeConfig: { routes: CustomDomainRoute[] };
  createdTime: string;
  lastModifiedTime: string;
}

/**
 * The route for a request path, as FC matches them: an exact path first, then the pattern with a
 * `*` (any rest of the path) whose fixed part is longest.
 */
export function matchRoute(routes: CustomDomainRoute[], path: string): CustomDomainRoute | null {
  const exact = routes.find((r) => !r.path.includes('*') && r.path === path);
  if (exact) return exact;
  let best: CustomDomainRoute | null = null;
  let bestLen = -1;
  for (const r of routes) {
    if (!r.path.includes('*')) continue;
    const re = new RegExp(`^${r.path.split('*').map(escape).join('.*')}$`);
    const fixed = r.path.replace(/\*/g, '').length;
    if (re.test(path) && fixed > bestLen) {
      best = r;
      bestLen = fixed;
    }
  }
  return best;
}

const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
