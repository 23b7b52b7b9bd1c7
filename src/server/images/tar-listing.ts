// Just enough of tar to tell an image archive by its member names and read its small JSON
// members: headers are read at their offsets and file data is skipped, never read, so listing a
// multi-gigabyte `docker save` archive costs a few reads per member.
import { open, type FileHandle } from 'node:fs/promises';

export interface TarMember {
  /** Without a leading `./`. */
  name: string;
  size: number;
  /** Byte offset of the member's data in the file. */
  offset: number;
  type: string;
}

const BLOCK = 512;
// Nothing in an image archive's metadata comes near this; a bigger one is not what we look for.
const MAX_JSON_MEMBER = 16 * 1024 * 1024;

export async function listTar(path: string): Promise<TarMember[]> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    if (size < BLOCK) throw new Error(`${size} bytes is too short for a tar archive`);
    const members: TarMember[] = [];
    let offset = 0;
    let longName: string | null = null;
    while (offset + BLOCK <= size) {
      const header = await readAt(fh, offset, BLOCK);
      if (header.every((b) => b === 0)) break; // end of archive
      if (!checksumMatches(header)) throw new Error(`not a tar archive (bad header checksum at byte ${offset})`);
      const type = String.fromCharCode(header[156] || 0x30);
      const memberSize = parseNumber(header.subarray(124, 136));
      const dataOffset = offset + BLOCK;
      if (type === 'L' || type === 'x') {
        const data = (await readAt(fh, dataOffset, Math.min(memberSize, MAX_JSON_MEMBER))).toString('utf8');
        longName = type === 'L' ? data.replace(/\0.*$/s, '') : paxPath(data) ?? longName;
      } else if (type !== 'g') {
        const name = longName ?? headerName(header);
        longName = null;
        members.push({ name: name.replace(/^(\.\/)+/, '').replace(/^\/+/, ''), size: memberSize, offset: dataOffset, type });
      }
      offset = dataOffset + Math.ceil(memberSize / BLOCK) * BLOCK;
    }
    return members;
  } finally {
    await fh.close();
  }
}

/** The parsed JSON of a member, or null when the archive has no such regular file. */
export async function readTarJson(path: string, members: TarMember[], name: string): Promise<unknown> {
  const member = members.find((m) => m.name === name && (m.type === '0' || m.type === '\0'));
  if (!member) return null;
  if (member.size > MAX_JSON_MEMBER) throw new Error(`${name} in the archive is ${member.size} bytes, too big for image metadata`);
  const fh = await open(path, 'r');
  try {
    return JSON.parse((await readAt(fh, member.offset, member.size)).toString('utf8'));
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

function headerName(header: Buffer): string {
  const field = (start: number, len: number) => {
    const raw = header.subarray(start, start + len);
    const end = raw.indexOf(0);
    return raw.subarray(0, end === -1 ? len : end).toString('utf8');
  };
  const name = field(0, 100);
  // ustar splits long names into prefix/name
  const prefix = header.subarray(257, 262).toString('latin1') === 'ustar' ? field(345, 155) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function parseNumber(field: Buffer): number {
  // GNU base-256 for sizes past 8 GB: high bit of the first byte set
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').trim();
  return text ? parseInt(text, 8) : 0;
}

function checksumMatches(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === parseNumber(header.subarray(148, 156));
}

function paxPath(records: string): string | null {
  // records are "<len> key=value\n"
  for (const line of records.split('\n')) {
    const m = /^\d+ path=(.*)$/s.exec(line);
    if (m) return m[1];
  }
  return null;
}
