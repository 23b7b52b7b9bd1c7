// Test-only: writes real zip files (local headers, central directory, end record) so tests
// can build exactly the entries they need, including hostile ones no zip tool would produce.
import { crc32, deflateRawSync } from 'node:zlib';

export type TestEntry =
  | { name: string; data: string | Buffer; mode?: number; store?: boolean }
  | { name: string; dir: true; mode?: number }
  | { name: string; symlink: string };

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const MADE_BY_UNIX = (3 << 8) | 30;
const DOS_DATE_1980_01_01 = (1 << 5) | 1;

/**
 * corruptCrcOf, understateSizeOf and declaredSizes forge entry headers (both the local and the
 * central one), the way a hostile zip would.
 */
export function buildZip(
  entries: TestEntry[],
  opts: { corruptCrcOf?: string; understateSizeOf?: string; declaredSizes?: Record<string, number> } = {},
): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const { data, attr } = describe(entry);
    const name = Buffer.from(entry.name, 'utf8');
    const deflate = 'data' in entry && !entry.store && data.length > 0;
    const body = deflate ? deflateRawSync(data) : data;
    const crc = (crc32(data) + (opts.corruptCrcOf === entry.name ? 1 : 0)) >>> 0;
    const method = deflate ? 8 : 0;
    const size = opts.declaredSizes?.[entry.name] ?? (opts.understateSizeOf === entry.name ? 1 : data.length);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(attr, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function describe(entry: TestEntry): { data: Buffer; attr: number } {
  if ('symlink' in entry) return { data: Buffer.from(entry.symlink), attr: ((S_IFLNK | 0o777) << 16) >>> 0 };
  if ('dir' in entry) return { data: Buffer.alloc(0), attr: (((S_IFDIR | (entry.mode ?? 0o755)) << 16) | 0x10) >>> 0 };
  const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
  return { data, attr: ((S_IFREG | (entry.mode ?? 0o644)) << 16) >>> 0 };
}
