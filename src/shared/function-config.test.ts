import { describe, expect, it } from 'vitest';
import { createFunctionBody, createTriggerBody, describeZodError, serviceBody, updateFunctionBody } from './function-config.ts';
import { deployRequest } from './playground-api.ts';

const fn = { functionName: 'f', runtime: 'custom', handler: 'index.handler' };
const problem = (r: { success: boolean; error?: Parameters<typeof describeZodError>[0] }) => (r.success ? null : describeZodError(r.error!));

describe('function fields refuse what cannot reach the instance intact, naming the field', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['NUL in the handler', { handler: 'index.h\0' }, 'handler: must not contain a NUL character'],
    ['LF in the handler', { handler: 'index.handler\n' }, 'handler: must not contain a line break (CR or LF)'],
    ['CR in the initializer', { initializer: 'index.init\r' }, 'initializer: must not contain a line break (CR or LF)'],
    ['a tab in the handler', { handler: 'index.\thandler' }, 'handler: must not contain the control character U+0009'],
    ['non-ASCII in the handler', { handler: 'índex.handler' }, "handler: must contain only printable ASCII characters, found 'í' (U+00ED)"],
    ['NUL in the preStop handler', { instanceLifecycleConfig: { preStop: { handler: 'a\0' } } }, 'instanceLifecycleConfig.preStop.handler: must not contain a NUL character'],
    ['LF in the preFreeze handler', { instanceLifecycleConfig: { preFreeze: { handler: 'a\nb' } } }, 'instanceLifecycleConfig.preFreeze.handler: must not contain a line break (CR or LF)'],
    ['an empty command word', { customRuntimeConfig: { command: [''] } }, 'customRuntimeConfig.command.0: must not be empty: every word of a command names something to run or pass'],
    ['a blank command word', { customRuntimeConfig: { command: ['node', '  '] } }, 'customRuntimeConfig.command.1: must not be empty: every word of a command names something to run or pass'],
    ['NUL in a command word', { customRuntimeConfig: { command: ['no\0de'] } }, 'customRuntimeConfig.command.0: must not contain a NUL character'],
    ['NUL in an argument', { customRuntimeConfig: { args: ['a', '\0'] } }, 'customRuntimeConfig.args.1: must not contain a NUL character'],
    ['NUL in an environment value', { environmentVariables: { A: 'x\0y' } }, "environmentVariables: the value of environment variable 'A' must not contain a NUL character"],
    ['NUL in an environment name', { environmentVariables: { 'A\0': 'x' } }, "environmentVariables: environment variable name 'A\\u0000' must match ^[a-zA-Z][a-zA-Z0-9_]*$"],
    ['NUL in the description', { description: 'a\0' }, 'description: must not contain a NUL character'],
    ['a description over 256 characters', { description: 'd'.repeat(257) }, 'description: Too big: expected string to have <=256 characters'],
  ])('refuses %s', (_what, patch, message) => {
    expect(problem(createFunctionBody.safeParse({ ...fn, ...patch }))).toBe(message);
    expect(problem(updateFunctionBody.safeParse(patch))).toBe(message);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a multi-line environment value (a PEM key)', { environmentVariables: { KEY: '-----BEGIN KEY-----\nabc\n-----END KEY-----' } }],
    ['a multi-line script after sh -c, and an empty argument', { customRuntimeConfig: { command: ['sh', '-c', 'echo a\necho b'], args: [''] } }],
    ['a multi-line description', { description: 'line one\nline two\twith a tab' }],
    ['an empty command (the bootstrap runs)', { customRuntimeConfig: { command: [], args: [] } }],
    ['empty hooks and initializer', { initializer: '', instanceLifecycleConfig: { preStop: { handler: '' } } }],
  ])('accepts %s', (_what, patch) => {
    expect(problem(createFunctionBody.safeParse({ ...fn, ...patch }))).toBeNull();
  });

  it('applies the same handler rule to a playground deploy', () => {
    const r = deployRequest.safeParse({ serviceName: 's', function: { ...fn, handler: 'a\r\nb' }, zipFile: null, httpTrigger: null });
    expect(problem(r)).toBe('function.handler: must not contain a line break (CR or LF)');
  });
});

describe('service and trigger fields', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['LF in logConfig.project', { logConfig: { project: 'proj\n' } }, 'logConfig.project: must be empty or 3 to 63 lowercase letters, digits and -, starting and ending with a letter or digit'],
    ['an upper-case logstore', { logConfig: { logstore: 'Store' } }, 'logConfig.logstore: must be empty or 2 to 63 lowercase letters, digits, _ and -, starting and ending with a letter or digit'],
    ['a logstore of 64 characters', { logConfig: { logstore: 'l'.repeat(64) } }, 'logConfig.logstore: must be empty or 2 to 63 lowercase letters, digits, _ and -, starting and ending with a letter or digit'],
    ['CR in the role', { role: 'acs:ram::1:role/x\r' }, 'role: must not contain a line break (CR or LF)'],
    ['a name with NUL', { serviceName: 's\0' }, 'serviceName: must contain only letters, digits, _ and -, and not start with a digit or -'],
  ])('refuses %s', (_what, patch, message) => {
    expect(problem(serviceBody.safeParse({ serviceName: 's', ...patch }))).toBe(message);
  });

  it('accepts SLS names and empty log config', () => {
    expect(serviceBody.safeParse({ serviceName: 's', logConfig: { project: 'my-project-1', logstore: 'ls_1' } }).success).toBe(true);
    expect(serviceBody.safeParse({ serviceName: 's', logConfig: { project: '', logstore: '', enableRequestMetrics: true } }).success).toBe(true);
  });

  it('refuses control characters in trigger qualifiers and ARNs', () => {
    const t = { triggerName: 't', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } };
    expect(problem(createTriggerBody.safeParse({ ...t, qualifier: 'LATEST\n' }))).toBe('qualifier: must not contain a line break (CR or LF)');
    expect(problem(createTriggerBody.safeParse({ ...t, invocationRole: 'r\0' }))).toBe('invocationRole: must not contain a NUL character');
  });
});
