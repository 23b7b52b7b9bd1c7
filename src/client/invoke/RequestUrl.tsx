import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client.ts';
import type { HttpRequestDraft } from '../workspace/types.ts';
import { curlLine, requestUrl } from './request-line.ts';

/**
 * Where to open the HTTP function outside the playground: its custom domain when one routes to it
 * (it renders there, on an origin of its own), else the proxy path (answers download there, as on
 * FC's default domain), and the same request as a curl line.
 */
export function RequestUrl({ service, fn, req }: { service: string; fn: string; req: HttpRequestDraft }) {
  const endpoints = useQuery({ queryKey: ['endpoints', service, fn], queryFn: () => api.endpoints(service, fn), retry: false });
  if (!endpoints.data) return null;
  const domain = endpoints.data.customDomains[0];
  const url = requestUrl(domain?.url ?? endpoints.data.proxy, req);
  const curl = curlLine(url, req);
  return (
    <div className="request-url">
      <div className="field">
        <span className="label">{domain ? `URL (custom domain ${domain.domainName})` : 'URL (proxy path: answers download)'}</span>
        <a className="mono url" href={url} target="_blank" rel="noreferrer noopener">{url}</a>
      </div>
      <div className="field">
        <span className="label" id="curl-label">curl</span>
        <div className="curl-row">
          <code className="mono curl" aria-labelledby="curl-label">{curl}</code>
          <button type="button" className="btn btn-small" onClick={() => void navigator.clipboard?.writeText(curl)}>Copy curl</button>
        </div>
      </div>
    </div>
  );
}
