import { readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Remembers an instance's process group, so that a later start can find it if this service dies hard. */
export function recordPid(instanceDir: string, pid: number) {
  writeFileSync(join(instanceDir, 'pid'), String(pid));
}

/**
 * A service killed with SIGKILL leaves its instances running (frozen ones forever). At start, kill
 * every process group recorded under `<dataDir>/instances` whose leader still works in that
 * instance's directory (a recycled pid belongs to someone else and is left alone), then remove the dirs.
 */
export function reapLeftovers(instancesDir: string): number {
  let reaped = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync(instancesDir);
  } catch {
    return 0;
  }
  for (const id of entries) {
    const dir = join(instancesDir, id);
    try {
      const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      if (pid > 0 && readlinkSync(`/proc/${pid}/cwd`).startsWith(dir)) {
        process.kill(-pid, 'SIGKILL');
        reaped++;
      }
    } catch {
      // no pid file, or the process is gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return reaped;
}
