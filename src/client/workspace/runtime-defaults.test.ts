import { describe, expect, it } from 'vitest';
import { RUNTIMES } from '../../shared/function-config.ts';
import { defaultHandlerOf, groupOf, handlerAfterSwitch, namingOf, runtimeGroups, runtimeNote } from './runtime-defaults.ts';

// Every runtime name FC 2.0 has that fnplay runs or will run, in no particular order.
const FC_NAMES = ['custom', 'nodejs8', 'python3', 'nodejs20', 'go1', 'python3.9', 'nodejs12', 'custom-container', 'nodejs10', 'custom.debian10', 'python3.10', 'nodejs16', 'nodejs14', 'nodejs18'];

describe('runtime groups', () => {
  it('list every name of RUNTIMES once, none added', () => {
    const listed = runtimeGroups().flatMap((g) => g.options.map(([value]) => value));
    expect([...listed].sort()).toEqual([...RUNTIMES].sort());
  });

  it('put a name in its family by prefix, wherever it appears in the list: Node.js and Python newest first', () => {
    expect(runtimeGroups(FC_NAMES).map((g) => [g.group, g.options.map(([v]) => v)])).toEqual([
      ['Node.js', ['nodejs20', 'nodejs18', 'nodejs16', 'nodejs14', 'nodejs12', 'nodejs10', 'nodejs8']],
      ['Python', ['python3.10', 'python3.9', 'python3']],
      ['Go', ['go1']],
      ['Custom runtime', ['custom', 'custom.debian10']],
      ['Custom container', ['custom-container']],
    ]);
  });

  it('keep a name no family claims, under Other, after the known groups', () => {
    const groups = runtimeGroups(['java11', 'nodejs20', 'php7.2']);
    expect(groups.map((g) => g.group)).toEqual(['Node.js', 'Other']);
    expect(groups[1]!.options).toEqual([['java11', 'java11'], ['php7.2', 'php7.2']]);
  });

  it('leave out a group none of whose runtimes is listed', () => {
    expect(runtimeGroups(['go1', 'custom']).map((g) => g.group)).toEqual(['Go', 'Custom runtime']);
  });
});

describe('runtime naming', () => {
  it('gives Python FC’s module.function names, hooks in snake_case', () => {
    for (const r of ['python3.10', 'python3.9', 'python3']) {
      expect(groupOf(r)).toBe('Python');
      expect(namingOf(r)).toEqual({ group: 'Python', handler: 'index.handler', initializer: 'index.initialize', preFreeze: 'index.pre_freeze', preStop: 'index.pre_stop' });
    }
  });

  it('gives every Node.js version the same names', () => {
    for (const r of ['nodejs8', 'nodejs10', 'nodejs12', 'nodejs14', 'nodejs16', 'nodejs18', 'nodejs20']) {
      expect(namingOf(r)).toMatchObject({ group: 'Node.js', handler: 'index.handler', initializer: 'index.initializer', preFreeze: 'index.preFreeze', preStop: 'index.preStop' });
    }
  });

  it('names Go, custom and container handlers as their runtimes expect', () => {
    expect(defaultHandlerOf('go1')).toBe('main');
    expect(namingOf('custom-container')).toMatchObject({ group: 'Custom container', initializer: 'initialize' });
    expect(namingOf('custom.debian10')).toMatchObject({ group: 'Custom runtime', handler: 'index.handler' });
  });

  it('switches a default handler with the runtime and keeps a typed one', () => {
    expect(handlerAfterSwitch('main', 'go1', 'python3.10')).toBe('index.handler');
    expect(handlerAfterSwitch('index.handler', 'python3.9', 'go1')).toBe('main');
    expect(handlerAfterSwitch('app.main', 'python3.9', 'nodejs14')).toBe('app.main');
    expect(handlerAfterSwitch(' ', 'nodejs8', 'python3')).toBe('index.handler');
  });
});

describe('runtime notes', () => {
  it('tell that Node.js 16 and earlier answer through the callback and load no ES modules', () => {
    for (const r of ['nodejs8', 'nodejs10', 'nodejs12', 'nodejs14', 'nodejs16']) {
      expect(runtimeNote(r)).toMatch(/answers through the callback[\s\S]*async handler resolves to is ignored[\s\S]*ES modules .* need nodejs18/);
    }
  });

  it('say nothing for Node.js 18 and later or other languages', () => {
    for (const r of ['nodejs18', 'nodejs20', 'python3.10', 'go1', 'custom']) expect(runtimeNote(r)).toBeUndefined();
  });
});
