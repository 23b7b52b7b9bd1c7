import { describe, expect, it } from 'vitest';
import { crc64 } from './crc64.ts';

describe('crc64', () => {
  it('matches the CRC-64/XZ check value that OSS and Go crc64.ECMA give for "123456789"', () => {
    expect(crc64(Buffer.from('123456789'))).toBe(0x995dc9bbdf1939fan);
    expect(crc64(Buffer.from('123456789')).toString()).toBe('11051210869376104954');
  });

  it('is 0 for no bytes', () => {
    expect(crc64(Buffer.alloc(0))).toBe(0n);
  });

  it('agrees with a bit-at-a-time reference for every length around the 8-byte stride', () => {
    const reference = (buf: Buffer) => {
      let crc = 0xffffffffffffffffn;
      for (const byte of buf) {
        crc ^= BigInt(byte);
        for (let k = 0; k < 8; k++) crc = crc & 1n ? (crc >> 1n) ^ 0xc96c5795d7870f42n : crc >> 1n;
      }
      return crc ^ 0xffffffffffffffffn;
    };
    for (let n = 1; n <= 40; n++) {
      const buf = Buffer.from(Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff));
      expect(crc64(buf)).toBe(reference(buf));
    }
  });

  it('checksums 100 MB in well under the time a request may take', () => {
    const buf = Buffer.alloc(100 * 1024 * 1024, 0x5a);
    const started = performance.now();
    crc64(buf);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
