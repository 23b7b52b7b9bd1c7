// `fnplay deploy`, `invoke` and `logs` as users run them: child processes (bin/fnplay.js) talking
// to a real service through the FC API, signed with keys from the environment.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, TEST_KEYS, until, type TestService } from './helpers/service.ts';

const ROOT = join(import.meta.dirname, '..');
const keyEnv = { FNPLAY_ACCESS_KEY_ID: TEST_KEYS.accessKeyId, FNPLAY_ACCESS_KEY_SECRET: TEST_KEYS.accessKeySecret };

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/fnplay.js …` in `cwd`, with only the environment given (no keys of the caller's). */
function start(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...(opts.env ?? keyEnv) };
  const child = spawn(process.execPath, [join(ROOT, 'bin/fnplay.js'), ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c) => (out.stdout += c));
  child.stderr!.on('data', (c) => (out.stderr += c));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, ...out })));
  return { child, out, done };
}
const fnplay = (args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) => start(args, opts).done;

const S_YAML = `edition: 1.0.0
name: cli-demo
access: default
vars:
  region: cn-hangzhou
  memory: 256
services:
  hello:
    component: devsapp/fc
    props:
      region: \${vars.region}
      service:
        name: cli-demo
        description: deployed by fnplay deploy
      function:
        name: hello
        runtime: nodejs20
        handler: index.handler
        memorySize: \${vars.memory}
        timeout: 10
        codeUri: ./code
        environmentVariables:
          GREETING: hello
        asyncConfiguration:
          maxAsyncRetryAttempts: 0
      triggers:
        - name: nightly
          type: timer
          config:
            cronExpression: '0 0 4 * * *'
            payload: '{"from":"timer"}'
            enable: false
  web:
    component: fc
    props:
      region: cn-hangzhou
      service:
        name: cli-demo
      function:
        name: web
        runtime: nodejs20
        handler: index.handler
        codeUri: ./web
      triggers:
        - name: httpTrigger
          type: http
          config:
            authType: anonymous
            methods: [GET, POST]
`;

const HELLO = `exports.handler = (event, context, callback) => {
  const input = event.toString();
  console.log('got ' + input);
  if (input === 'fail') return callback(new Error('asked to fail'));
  callback(null, process.env.GREETING + ', ' + input);
};`;
const WEB = `exports.handler = (req, resp) => {
  console.log('web ' + req.method + ' ' + req.path);
  resp.setHeader('content-type', 'text/plain');
  resp.send('web saw ' + req.method + ' ' + req.path);
};`;

describe('fnplay deploy, invoke, logs', () => {
  let dir: string;
  let svc: TestService;
  let endpoint: string[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fnplay-cli-'));
    mkdirSync(join(dir, 'code'));
    mkdirSync(join(dir, 'web'));
    writeFileSync(join(dir, 'code', 'index.js'), HELLO);
    writeFileSync(join(dir, 'web', 'index.js'), WEB);
    writeFileSync(join(dir, 's.yaml'), S_YAML);
    writeFileSync(join(dir, 'event.json'), '{"from":"a file"}');
    svc = await startTestService();
    endpoint = ['--endpoint', svc.url];
  }, 60_000);

  afterAll(async () => {
    await svc?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('deploys the s.yaml in the current directory: services, functions with zipped code, triggers, async config', async () => {
    const run = await fnplay(['deploy', ...endpoint], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`to fnplay at ${svc.url} (region cn-hangzhou, account`);
    expect(run.stdout).toMatch(/✔ service cli-demo: created\n/);
    expect(run.stdout).toMatch(/✔ function cli-demo\/hello: created \(nodejs20, index\.handler, code \.\/code: 1 file, .* zipped\)/);
    expect(run.stdout).toContain('✔ trigger cli-demo/hello/nightly: created (timer, 0 0 4 * * *, disabled)');
    expect(run.stdout).toContain('✔ async config cli-demo/hello: set');
    expect(run.stdout).toContain('✔ trigger cli-demo/web/httpTrigger: created (http, anonymous, GET POST)');
    expect(run.stdout).toContain(`URL ${svc.url}/2016-08-15/proxy/cli-demo/web/`);

    const fn = (await svc.client.getFunction('cli-demo', 'hello')).data;
    expect(fn).toMatchObject({ runtime: 'nodejs20', memorySize: 256, timeout: 10, environmentVariables: { GREETING: 'hello' } });
    expect((await svc.client.getService('cli-demo')).data.description).toBe('deployed by fnplay deploy');
    expect((await svc.client.getTrigger('cli-demo', 'hello', 'nightly')).data.triggerConfig).toMatchObject({ cronExpression: '0 0 4 * * *', enable: false, payload: '{"from":"timer"}' });
    const asyncConfig = await fetch(`${svc.url}/api/fc/services/cli-demo/functions/hello/async-invoke-config`, { headers: { 'x-fnplay-token': svc.apiToken } });
    expect(await asyncConfig.json()).toMatchObject({ maxAsyncRetryAttempts: 0 });

    // a second deploy updates what exists, with -t naming the file
    writeFileSync(join(dir, 'code', 'index.js'), HELLO.replace("', ' + input", "', ' + input + '!'"));
    const again = await fnplay(['deploy', '-t', join(dir, 's.yaml'), ...endpoint]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/✔ service cli-demo: updated\n/);
    expect(again.stdout).toMatch(/✔ function cli-demo\/hello: updated/);
    expect(again.stdout).toContain('✔ trigger cli-demo/web/httpTrigger: updated');
  }, 60_000);

  it('invokes with -e, printing the log tail with the summary line, the request id, then the result', async () => {
    const run = await fnplay(['invoke', 'cli-demo/hello', '-e', 'world', ...endpoint]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const requestId = /^RequestId: (\S+)$/m.exec(run.stdout)?.[1];
    expect(requestId).toBeTruthy();
    const lines = run.stdout.split('\n');
    const begin = lines.indexOf('========= FC invoke Logs begin =========');
    const end = lines.indexOf('========= FC invoke Logs end =========');
    expect(begin).toBeGreaterThanOrEqual(0);
    const tail = lines.slice(begin + 1, end);
    expect(tail).toContain(`FC Invoke Start RequestId: ${requestId}`);
    expect(tail.some((l) => l.endsWith(`${requestId} [verbose] got world`))).toBe(true);
    expect(tail).toContain(`FC Invoke End RequestId: ${requestId}`);
    // FC's summary line follows the End marker (then the cold start's Init Report)
    const summary = tail[tail.indexOf(`FC Invoke End RequestId: ${requestId}`) + 1];
    expect(summary).toMatch(/^Duration: [\d.]+ ms, Billed Duration: \d+ ms, Memory Size: 256 MB, Max Memory Used: [\d.]+ MB$/);
    expect(run.stdout).toMatch(/FC Invoke instanceId: \S+ \(cold start\)\n/);
    expect(run.stdout.endsWith('FC Invoke Result:\nhello, world!\n')).toBe(true);
  }, 60_000);

  it('invokes with -f FILE, and exits 1 with the error as the result when the function fails', async () => {
    const fromFile = await fnplay(['invoke', 'cli-demo/hello', '-f', join(dir, 'event.json'), ...endpoint]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toContain('FC Invoke Result:\nhello, {"from":"a file"}!\n');

    const failing = await fnplay(['invoke', 'cli-demo/hello', '-e', 'fail', ...endpoint]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/FC Invoke End RequestId: \S+, Error: Unhandled function error|FC Invoke End RequestId: \S+, Error: Handled function error/);
    expect(failing.stdout).toMatch(/FC Invoke Result:\n.*asked to fail/);
    expect(failing.stderr).toMatch(/^fnplay: the function failed \((Handled|Unhandled)InvocationError\)$/m);
  }, 60_000);

  it('invokes --async: prints the 202\'s request id, whose lines logs --request-id then shows', async () => {
    const run = await fnplay(['invoke', 'cli-demo/hello', '-e', 'later', '--async', ...endpoint]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ cli-demo/hello async invoke accepted (202)');
    const requestId = /^RequestId: (\S+)$/m.exec(run.stdout)![1]!;
    expect(run.stdout).toContain(`fnplay logs cli-demo/hello --request-id ${requestId}`);

    const logs = await until(async () => {
      const r = await fnplay(['logs', 'cli-demo/hello', '--request-id', requestId, ...endpoint]);
      return r.stdout.includes(`FC Invoke End RequestId: ${requestId}`) && r;
    }, 'the async invocation\'s lines', 30_000);
    expect(logs.code).toBe(0);
    const lines = logs.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`FC Invoke Start RequestId: ${requestId}`);
    expect(lines.some((l) => l.endsWith(`${requestId} [verbose] got later`))).toBe(true);
    // only that request's lines
    expect(lines.every((l) => l.includes(requestId) || /^Duration: /.test(l) || /^(Init|Provisioned) Report/.test(l) || /runtime inited/.test(l))).toBe(true);
  }, 60_000);

  it('logs --tail prints the function\'s recent lines, then a new invocation\'s lines, until stopped', async () => {
    const tail = start(['logs', 'cli-demo/hello', '--tail', ...endpoint]);
    try {
      // the recent lines first: the earlier invocations'
      await until(() => tail.out.stdout.includes('[verbose] got world'), 'the recent lines', 20_000);
      const invoked = await svc.client.invokeFunction('cli-demo', 'hello', 'tailed');
      const requestId = invoked.headers['x-fc-request-id'];
      await until(() => tail.out.stdout.includes(`FC Invoke End RequestId: ${requestId}`), 'the new invocation\'s lines', 20_000);
      expect(tail.out.stdout).toContain(`${requestId} [verbose] got tailed`);
    } finally {
      tail.child.kill('SIGINT');
    }
    const run = await tail.done;
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  }, 60_000);

  it('invokes an HTTP function through its proxy URL with --method and --path', async () => {
    const run = await fnplay(['invoke', 'cli-demo/web', '--method', 'POST', '--path', '/hi', '-e', 'body', ...endpoint]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`calling POST ${svc.url}/2016-08-15/proxy/cli-demo/web/hi`);
    expect(run.stdout).toMatch(/\[verbose\] web POST \/hi\n/);
    expect(run.stdout).toMatch(/^Duration: .* Memory Size: 128 MB/m);
    expect(run.stdout).toMatch(/FC Invoke Result: HTTP 200\n[^]*\n\nweb saw POST \/hi\n$/);
  }, 60_000);

  it('exits 1 with FC\'s error for an unknown function or service, and for wrong keys', async () => {
    const [invoke, logs, service] = await Promise.all([
      fnplay(['invoke', 'cli-demo/nope', '-e', 'x', ...endpoint]),
      fnplay(['logs', 'cli-demo/nope', ...endpoint]),
      fnplay(['invoke', 'no-such-service/hello', ...endpoint]),
    ]);
    expect(invoke.code).toBe(1);
    expect(invoke.stderr).toMatch(/^fnplay: FunctionNotFound: .*nope/m);
    expect(logs.code).toBe(1);
    expect(logs.stderr).toMatch(/^fnplay: FunctionNotFound: .*nope/m);
    expect(service.code).toBe(1);
    expect(service.stderr).toMatch(/^fnplay: ServiceNotFound: .*no-such-service/m);

    const wrong = { ...keyEnv, FNPLAY_ACCESS_KEY_SECRET: 'not-the-secret' };
    const runs = await Promise.all([
      fnplay(['deploy', ...endpoint], { cwd: dir, env: wrong }),
      fnplay(['invoke', 'cli-demo/hello', ...endpoint], { env: wrong }),
      fnplay(['logs', 'cli-demo/hello', ...endpoint], { env: wrong }),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^fnplay: SignatureNotMatch: the request signature we calculated does not match/m);
      expect(run.stdout).toBe('');
    }
    const unreachable = await fnplay(['invoke', 'cli-demo/hello', '--endpoint', 'http://127.0.0.1:1']);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach fnplay at http:\/\/127\.0\.0\.1:1: nothing listens there/);
  }, 60_000);

  it('exits 2 for a bad s.yaml, saying what is wrong and where, and changes nothing', async () => {
    const bad = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return fnplay(['deploy', '-t', join(dir, name), ...endpoint]);
    };
    const cases: [string, string, RegExp][] = [
      ['memory.yaml', S_YAML.replace('memory: 256', 'memory: 100'), /services\.hello\.props\.function\.memorySize: .*64/],
      ['syntax.yaml', 'edition: 1.0.0\nservices: [unclosed\n', /not valid YAML/],
      ['fc3.yaml', 'edition: 3.0.0\nresources:\n  x:\n    component: fc3\n', /edition 3\.0\.0, fc3 component/],
      ['no-fc.yaml', 'edition: 1.0.0\nservices:\n  site:\n    component: website\n', /no service with `component: fc`/],
      ['runtime.yaml', S_YAML.replace('runtime: nodejs20\n        handler: index.handler\n        memorySize', 'runtime: cobol\n        handler: index.handler\n        memorySize'), /services\.hello\.props\.function\.runtime: /],
      ['trigger.yaml', S_YAML.replace('type: timer', 'type: oss'), /services\.hello\.props\.triggers\.0\.triggerType: 'oss' triggers need Object Storage Service/],
      ['code.yaml', S_YAML.replace('codeUri: ./code', 'codeUri: ./missing'), /codeUri: \.\/missing does not exist/],
      ['types.yaml', S_YAML.replace('timeout: 10', 'timeout: ten'), /services\.hello\.props\.function\.timeout: /],
    ];
    const runs = await Promise.all(cases.map(([name, text]) => bad(name, text)));
    for (const [i, [name, , message]] of cases.entries()) {
      expect({ name, code: runs[i]!.code }).toEqual({ name, code: 2 });
      expect(runs[i]!.stderr).toMatch(message);
      expect(runs[i]!.stdout).toBe('');
    }
    expect((await svc.client.getFunction('cli-demo', 'hello')).data.memorySize).toBe(256);

    const usage = await Promise.all([
      fnplay(['deploy', '-t', join(dir, 'none.yaml'), ...endpoint]),
      fnplay(['invoke', 'just-a-name', ...endpoint]),
      fnplay(['invoke', 'cli-demo/hello', '-e', 'x', '-f', 'y', ...endpoint]),
      fnplay(['logs', 'cli-demo/hello', '--bogus', ...endpoint]),
    ]);
    for (const run of usage) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/usage: fnplay (deploy|invoke|logs)/);
    }
  }, 60_000);
});

