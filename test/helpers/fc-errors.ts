import { expect } from 'vitest';

export type FcErr = Error & { code?: string };

/** Awaits an SDK call that must fail; checks the SDK's error shape (FC2-API §1 Errors) and returns it. */
export async function fcError(call: Promise<unknown>, code: string, status?: number): Promise<FcErr> {
  let err: FcErr | null = null;
  try {
    await call;
  } catch (e) {
    err = e as FcErr;
  }
  expect(err, `expected ${code}, but the call succeeded`).not.toBeNull();
  expect({ code: err!.code, name: err!.name, message: err!.message }).toMatchObject({ code, name: `FC${code}Error` });
  expect(err!.message).toMatch(/requestid: [0-9a-f-]{36}, message: .+\.$/);
  if (status) expect(err!.message).toContain(`failed with ${status}.`);
  return err!;
}
