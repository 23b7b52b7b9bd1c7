import { sign, stringToSign, type AccessKeys } from './signature.ts';

/**
 * A request's headers with `date` and `authorization: FC <id>:<signature>` added, signed as the
 * @alicloud/fc2 SDK signs (method, content-md5, content-type, date, the x-fc-* headers, the path;
 * no query outside /proxy/). For fnplay's own clients (the CLI); the service checks it with
 * verifySignature, the same code that checks the SDK's requests.
 */
export function signRequest(keys: AccessKeys, method: string, path: string, headers: Record<string, string>, now = new Date()): Record<string, string> {
  const signed: Record<string, string> = { ...headers, date: now.toUTCString() };
  signed.authorization = `FC ${keys.accessKeyId}:${sign(keys.accessKeySecret, stringToSign(method, path, signed, null))}`;
  return signed;
}
