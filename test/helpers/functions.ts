import { readdirSync, readFileSync } from 'node:fs';
import type { TestService } from './service.ts';
import { zipFiles } from './service.ts';

/** Creates (once) the service and a Node.js function from inline files; returns its names. */
export async function deployNode(
  svc: TestService,
  fn: string,
  files: Record<string, string | { content: string; mode: number }>,
  config: Record<string, unknown> = {},
  service = 'svc',
) {
  await svc.client.createService(service).catch((e: { code?: string }) => {
    if (e.code !== 'ServiceAlreadyExists') throw e;
  });
  await svc.client.createFunction(service, {
    functionName: fn,
    runtime: 'nodejs20',
    handler: 'index.handler',
    code: { zipFile: await zipFiles(files) },
    ...config,
  });
  return { service, fn };
}

/** Invokes and returns what the SDK gave, or the error it threw, without throwing. */
export async function invoke(svc: TestService, service: string, fn: string, payload = '', headers: Record<string, string> = {}) {
  try {
    const r = await svc.client.invokeFunction(service, fn, payload, headers);
    return { ok: true as const, headers: r.headers, data: r.data };
  } catch (err) {
    return { ok: false as const, error: err as Error & { code?: string } };
  }
}

export const requestIdOf = (r: { headers: Record<string, string> }) => r.headers['x-fc-request-id'];

/** Reads one /proc field: the process state letter (R, S, T for stopped, Z). */
export function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8') as string;
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return null;
  }
}

/** Host pids whose command line has `marker` as one of its arguments (a survivor would be found here). */
export function hostPidsWith(marker: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').includes(marker)) found.push(Number(e));
    } catch {
      /* exited */
    }
  }
  return found;
}
