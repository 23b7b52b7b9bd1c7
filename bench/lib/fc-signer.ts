// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';

export interface FcCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  accountId: string;
}

const getSignature = (FCClient as { getSignature: (id: string, secret: string, method: string, path: string, headers: Record<string, string>, queries: null) => string }).getSignature;

/**
 * Headers of a signed `InvokeFunction`, as the SDK builds them, for a keep-alive client of our own
 * (the SDK's httpx opens a connection per call). The signature only changes with the date, which
 * has one-second resolution, so it is computed once per second. `extra` headers are signed too
 * (FC signs every x-fc-* header, e.g. `x-fc-log-type`).
 */
export function createInvokeSigner(creds: FcCredentials, service: string, fn: string, extra: Record<string, string> = {}) {
  const path = `/2016-08-15/services/${service}/functions/${fn}/invocations`;
  let cachedDate = '';
  let cached: Record<string, string> = {};
  return {
    path,
    headers(): Record<string, string> {
      const date = new Date().toUTCString();
      if (date !== cachedDate) {
        const headers: Record<string, string> = {
          date,
          'content-type': 'application/octet-stream',
          'x-fc-account-id': creds.accountId,
          'x-fc-invocation-type': 'Sync',
          ...extra,
        };
        headers.authorization = getSignature(creds.accessKeyId, creds.accessKeySecret, 'POST', path, headers, null);
        cachedDate = date;
        cached = headers;
      }
      return cached;
    },
  };
}
