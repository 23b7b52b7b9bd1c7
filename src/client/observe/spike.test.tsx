import { it, expect } from 'vitest';
import { useMockApi } from '../mocks/test-env.tsx';
import { api } from '../api/client.ts';
useMockApi();
it('fetches', async () => {
  expect(await api.invocations('a', 'b')).toEqual({ invocations: [] });
  const el = document.createElement('div'); el.scrollTop = 50; console.log('scrollTop', el.scrollTop, typeof navigator.clipboard);
});
