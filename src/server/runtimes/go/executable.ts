import { closeSync, openSync, readSync } from 'node:fs';

// What kind of executable a Go function's handler names: FC's go1 runs linux/amd64 ELF binaries,
// and anything else must fail its start with what was found, not with an exec error.

function head(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export function isElf(path: string): boolean {
  try {
    const h = head(path, 4);
    return h.length === 4 && h[0] === 0x7f && h.toString('latin1', 1, 4) === 'ELF';
  } catch {
    return false;
  }
}

const MACHINES: Record<number, string> = { 0x03: 'x86 (32-bit)', 0x08: 'MIPS', 0x14: 'PowerPC', 0x15: 'PowerPC 64', 0x16: 's390', 0x28: 'ARM (32-bit)', 0x3e: 'amd64', 0xb7: 'arm64', 0xf3: 'RISC-V' };

/** null for a linux/amd64 ELF executable, else what the file is ("a macOS (Mach-O) executable"). */
export function foreignExecutable(path: string): string | null {
  const h = head(path, 20);
  if (h.length >= 4 && h[0] === 0x7f && h.toString('latin1', 1, 4) === 'ELF') {
    const bits = h[4] === 2 ? 64 : 32;
    const machine = h.length >= 20 ? h.readUInt16LE(18) : 0;
    const osabi = h[7];
    if (bits === 64 && machine === 0x3e && (osabi === 0 || osabi === 3)) return null;
    const os = osabi === 0 || osabi === 3 ? 'Linux' : osabi === 9 ? 'FreeBSD' : `OS ABI ${osabi}`;
    return `an ELF executable for ${os} ${MACHINES[machine] ?? `machine 0x${machine.toString(16)}`}${bits === 32 && machine === 0x3e ? ' (32-bit)' : ''}`;
  }
  const magic = h.length >= 4 ? h.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return 'a macOS (Mach-O) executable';
  if (h.toString('latin1', 0, 2) === 'MZ') return 'a Windows (PE) executable';
  if (h.toString('latin1', 0, 2) === '#!') return 'a script, not a Go binary';
  return 'not an executable binary';
}
