import { describe, expect, it } from 'vitest';
import { createPythonRecipe, findHostPython, isPythonRuntime } from './recipe.ts';
import type { InstanceView } from '../../instances/sandbox/index.ts';

const view = (sandboxed: boolean): InstanceView => ({
  sandboxed, codeDir: '/code', tmpDir: '/tmp', socketPath: '/run/fnplay/ca.sock', nodeBinary: '/usr/bin/node',
  runtimesDir: '/var/fc/fnplay/runtimes', nodeModulesDir: '/var/fc/fnplay/node_modules', path: '/usr/bin:/bin',
});
const launch = (find: Parameters<typeof createPythonRecipe>[0], sandboxed = true) =>
  createPythonRecipe(find)('python3.10').launch({ view: view(sandboxed), env: { A: '1' }, hostCodeDir: '/x', port: 9000, runtimeApi: null });

describe('python recipe', () => {
  it('knows FC\'s Python 3 names only', () => {
    expect(['python3', 'python3.9', 'python3.10'].every(isPythonRuntime)).toBe(true);
    expect(['python2.7', 'python', 'python3.x'].some(isPythonRuntime)).toBe(false);
  });

  it('runs bootstrap.py on a /usr interpreter as it is, on the CA socket', () => {
    const spec = launch(() => ({ binary: '/usr/bin/python3.11', prefix: null }));
    expect(spec.command).toBe('/usr/bin/python3.11');
    expect(spec.args).toEqual(['-u', '-B', '/var/fc/fnplay/runtimes/python/bootstrap.py']);
    expect(spec.env).toMatchObject({ A: '1', FNPLAY_CA_SOCKET: '/run/fnplay/ca.sock' });
    expect(spec.binds).toEqual([]);
  });

  it('shows an interpreter from outside /usr read-only at its own place in the sandbox, and runs it in place without one', () => {
    const pyenv = () => ({ binary: '/root/.pyenv/versions/3.11.7/bin/python3.11', prefix: '/root/.pyenv/versions/3.11.7' });
    const inside = launch(pyenv);
    expect(inside.command).toBe('/var/fc/lang/python/bin/python3.11');
    expect(inside.binds).toEqual([{ host: '/root/.pyenv/versions/3.11.7', at: '/var/fc/lang/python' }]);
    const outside = launch(pyenv, false);
    expect(outside.command).toBe('/root/.pyenv/versions/3.11.7/bin/python3.11');
    expect(outside.binds).toEqual([]);
  });

  it('looks the interpreter up once per runtime name', () => {
    let lookups = 0;
    const recipes = createPythonRecipe(() => (lookups++, { binary: '/usr/bin/python3', prefix: null }));
    for (let i = 0; i < 3; i++) recipes('python3.9').launch({ view: view(true), env: {}, hostCodeDir: '/x', port: 9000, runtimeApi: null });
    expect(lookups).toBe(1);
  });

  it('fails the start with advice when the machine has no Python 3', () => {
    expect(() => launch(() => null)).toThrow(/none is installed \(Debian: apt install python3\)/);
  });

  it('finds the real interpreter, never a shim', () => {
    const py = findHostPython('python3.10');
    if (!py) return; // no Python 3 on this machine
    expect(py.binary).not.toContain('/shims/');
  });
});
