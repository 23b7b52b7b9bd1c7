// Many copies and unpacks use the shared blob dir at once; deleting blobs must wait until none
// does (a copy that found a blob already there is about to reference it) and hold new ones off.

export interface SharedLock {
  shared<T>(fn: () => Promise<T>): Promise<T>;
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export function createSharedLock(): SharedLock {
  const state = { holders: 0, writer: null as Promise<void> | null };
  const drained: (() => void)[] = [];
  return {
    async shared(fn) {
      while (state.writer) await state.writer;
      state.holders++;
      try {
        return await fn();
      } finally {
        state.holders--;
        if (state.holders === 0) for (const wake of drained.splice(0)) wake();
      }
    },
    async exclusive(fn) {
      while (state.writer) await state.writer;
      let release!: () => void;
      state.writer = new Promise<void>((r) => (release = r));
      try {
        while (state.holders > 0) await new Promise<void>((r) => drained.push(r));
        return await fn();
      } finally {
        state.writer = null;
        release();
      }
    },
  };
}
