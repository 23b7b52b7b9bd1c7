/**
 * One counter that every write to the resource tables moves on, so that readers (the invocation
 * path's revision cache) may keep what they read until it does. Repositories are wrapped by name:
 * a method whose name starts with put, delete, set or publish is a write.
 */
export function createGeneration() {
  let value = 0;
  return {
    value: () => value,
    /** The same repository, its writes counted. */
    counted<T extends object>(repo: T): T {
      const out = { ...repo } as Record<string, unknown>;
      for (const [name, method] of Object.entries(repo)) {
        if (typeof method === 'function' && /^(put|delete|set|publish|bump)/.test(name)) {
          out[name] = (...args: unknown[]) => (value++, (method as (...a: unknown[]) => unknown)(...args));
        }
      }
      return out as T;
    },
  };
}
