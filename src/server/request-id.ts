import { randomUUID } from 'node:crypto';

/**
 * A request id in FC's UUID form, but time-ordered (UUIDv7 layout: 48 bits of milliseconds
 * first). Logs and invocation records are indexed by request id; random ids scatter every
 * insert over the index and made SQLite write a page per log line, ordered ids append.
 */
export function newRequestId(now = Date.now()): string {
  const random = randomUUID(); // xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx
  const ms = now.toString(16).padStart(12, '0');
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${random.slice(15)}`;
}
