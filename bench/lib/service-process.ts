import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FnplayConfig } from '../../src/server/service.ts';

const CHILD = join(import.meta.dirname, 'service-child.ts');
const ROOT = join(import.meta.dirname, '..', '..');

let nodeArgs: string[] = [];
/** Node flags for the service processes started from now on (`--cpu-prof …` while a scenario is profiled). */
export const setServiceNodeArgs = (args: string[]) => void (nodeArgs = args);

/** A call to the service's process over IPC: what has no HTTP route. */
export type ServiceCall = { id: number; op: 'importImage'; file: string; name: string };
export type ServiceCallReply = { id: number; ok: true; value: ImportedImage[] } | { id: number; ok: false; error: string };
/** An image imported into the service's store (a subset of its ImageInfo). */
export interface ImportedImage {
  digest: string;
  references: string[];
  size: number;
  uncompressedSize: number;
}

/** Runs service-child.ts (fnplay alone) with `config`; `close()` stops it and every instance it runs. */
export async function startServiceProcess(config: FnplayConfig) {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', CHILD, JSON.stringify(config)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit', 'ipc'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // Calls over IPC, answered by id; the channel does not hold this process open by itself.
  child.channel?.unref();
  let nextId = 0;
  const pending = new Map<number, { resolve: (v: ImportedImage[]) => void; reject: (e: Error) => void }>();
  child.on('message', (r: ServiceCallReply) => {
    const p = pending.get(r.id);
    pending.delete(r.id);
    if (r.ok) p?.resolve(r.value);
    else p?.reject(new Error(r.error));
  });
  void exited.then(() => {
    for (const p of pending.values()) p.reject(new Error('the service process exited'));
    pending.clear();
  });
  const where = await new Promise<{ url: string; port: number; apiToken: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
    });
    void exited.then(() => reject(new Error('the service process exited before it listened')));
  });
  return {
    ...where,
    pid: child.pid!,
    /** The image store's import (`svc.images.import(file, { name })`) in the service's process. */
    importImage(file: string, name: string): Promise<ImportedImage[]> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, op: 'importImage', file, name } satisfies ServiceCall);
      });
    },
    /** SIGKILL to the service alone (a crash): its instances, in their own process groups, are left behind for the next start to reap. */
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async close() {
      child.stdin!.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
