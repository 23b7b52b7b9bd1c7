import { describe, expect, it } from 'vitest';
import { newRequestId } from './request-id.ts';

describe('newRequestId', () => {
  it('looks like FC request ids (a UUID) and sorts by time', () => {
    const a = newRequestId(1_700_000_000_000);
    const b = newRequestId(1_700_000_000_001);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    expect(newRequestId(5)).not.toBe(newRequestId(5));
  });
});
