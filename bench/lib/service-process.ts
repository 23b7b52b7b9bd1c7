import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { FnplayConfig } from '../../src/server/service.ts';

const CHILD = join(import.meta.dirname, 'service-child.ts');
const ROOT = join(import.meta.dirname, '..', '..');

let nodeArgs: string[] = [];
/** Node flags for the service processes started from now on (`--cpu-prof …` while a scenario is profiled). */
export const setServiceNodeArgs = (args: string[]) => void (nodeArgs = args);

/** Runs service-child.ts (fnplay alone) with `config`; `close()` stops it and every instance it runs. */
export async function startServiceProcess(config: FnplayConfig) {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', CHILD, JSON.stringify(config)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
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
    async close() {
      child.stdin!.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
