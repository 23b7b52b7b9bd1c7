// FC's Node.js runtimes nodejs8 … nodejs20 through the SDK (FC-RUNTIMES §1): every name runs on
// the local Node.js and says so, each follows its version's rules (callback only and older error
// names up to nodejs16; async results and ES modules from nodejs18); refused names say why; a
// Node.js function sees context.tracing from the caller's span headers and the service's tracingConfig.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playground, startTestService, until, zipFiles, type TestService } from './helpers/service.ts';
import { invoke, requestIdOf } from './helpers/functions.ts';

let svc: TestService;
beforeAll(async () => {
  svc = await startTestService();
  await svc.client.createService('nodes');
});
afterAll(() => svc?.close());

const api = () => playground(svc);
const LOCAL_MAJOR = parseInt(process.versions.node, 10);
const ACCEPTED = ['nodejs8', 'nodejs10', 'nodejs12', 'nodejs14', 'nodejs16', 'nodejs18', 'nodejs20'];
const majorOf = (runtime: string) => parseInt(runtime.slice('nodejs'.length), 10);

const CODE = {
  'index.js': `
    exports.cb = (event, context, callback) => callback(null, { node: process.version, fn: context.function.name });
    exports.asyncReturn = async () => 'returned';
    exports.thrown = async () => { throw new RangeError('out of range'); };
    exports.handled = (event, context, callback) => callback('refused');
  `,
  'esm.mjs': `export const handler = async () => 'esm';`,
};

async function call(fn: string, handler?: string) {
  if (handler) await svc.client.updateFunction('nodes', fn, { handler });
  const r = await invoke(svc, 'nodes', fn);
  if (!r.ok) throw r.error;
  return r;
}

describe('the Node.js runtimes FC offers', () => {
  it.each(ACCEPTED)('%s runs on the local Node.js and says so once in the instance log and in every summary', async (runtime) => {
    const fn = `v-${runtime}`;
    const created = await svc.client.createFunction('nodes', { functionName: fn, runtime, handler: 'index.cb', timeout: 1, code: { zipFile: await zipFiles(CODE) } });
    expect(created.data.runtime).toBe(runtime);
    expect((await svc.client.getFunction('nodes', fn)).data.runtime).toBe(runtime);

    const r = await call(fn);
    expect(JSON.parse(r.data)).toEqual({ node: process.version, fn });
    const rec = (await api()(`/invocations/${requestIdOf(r)}`)).body;
    const differs = majorOf(runtime) !== LOCAL_MAJOR;
    if (differs) expect(rec.warning).toBe(`${runtime} runs on the local Node.js ${process.versions.node} (FC runs Node.js ${majorOf(runtime)}): fnplay follows ${runtime}'s handler rules, but the language and standard library are Node.js ${LOCAL_MAJOR}'s`);
    else expect(rec.warning).toBeNull();
    const instanceLog = async () => ((await api()(`/logs?instanceId=${rec.instanceId}`)).body.lines as { text: string }[]).map((l) => l.text);
    const lines = await until(async () => {
      const l = await instanceLog();
      return l.includes(`FunctionCompute ${runtime} runtime inited.`) && l;
    }, 'the inited line');
    const named = lines.filter((l) => l.startsWith(`fnplay: ${runtime} runs on the local Node.js`));
    expect(named).toEqual(differs ? [`fnplay: ${runtime} runs on the local Node.js ${process.version}, following ${runtime}'s rules for handlers, errors and modules`] : []);

    // the version's rules
    const legacy = majorOf(runtime) <= 16;
    const thrown = await call(fn, 'index.thrown');
    expect(thrown.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
    expect(thrown.data).toMatchObject({ errorType: legacy ? 'FunctionUnhandledError: RangeError' : 'RangeError', errorMessage: 'out of range' });
    const handled = await call(fn, 'index.handled');
    expect(handled.headers['x-fc-error-type']).toBe('HandledInvocationError');
    expect(handled.data).toEqual(legacy ? { errorMessage: 'refused', errorType: 'FunctionHandledError' } : { errorMessage: 'refused' });
    const esm = await call(fn, 'esm.handler');
    if (legacy) expect(esm.data).toMatchObject({ errorType: 'FunctionUnhandledError: ImportModuleError', errorMessage: expect.stringMatching(/esm\.js' is missing\.$/) });
    else expect(esm.data).toBe('esm');
    const asyncReturn = await call(fn, 'index.asyncReturn');
    if (legacy) {
      // FC's older runtime ignores what the promise resolves to: no callback, so the call times out.
      expect(asyncReturn.headers['x-fc-error-type']).toBe('UnhandledInvocationError');
      expect(asyncReturn.data.errorMessage).toMatch(/^Function timed out after 1 seconds/);
      const log = ((await api()(`/logs?requestId=${requestIdOf(asyncReturn)}`)).body.lines as { text: string }[]).map((l) => l.text);
      expect(log.some((l) => l.includes(`fnplay: ${runtime} ignores an async handler's result`))).toBe(true);
    } else {
      expect(asyncReturn.data).toBe('returned');
    }
  }, 60_000);

  it('switches a function between versions with updateFunction', async () => {
    await svc.client.createFunction('nodes', { functionName: 'switch', runtime: 'nodejs20', handler: 'index.asyncReturn', code: { zipFile: await zipFiles(CODE) } });
    expect((await call('switch')).data).toBe('returned');
    expect((await svc.client.updateFunction('nodes', 'switch', { runtime: 'nodejs14', handler: 'index.cb' })).data.runtime).toBe('nodejs14');
    const r = await call('switch');
    expect(JSON.parse(r.data)).toEqual({ node: process.version, fn: 'switch' });
    expect((await api()(`/invocations/${requestIdOf(r)}`)).body.warning).toMatch(/^nodejs14 runs on the local Node\.js/);
  }, 30_000);

  it("refuses the runtimes fnplay does not run, saying why, and changes nothing", async () => {
    const zipFile = await zipFiles(CODE);
    const cases: [string, RegExp][] = [
      ['nodejs4.4', /message: runtime: runtime 'nodejs4\.4' is deprecated: Function Compute no longer accepts new functions on it \(use nodejs8 or later; fnplay runs nodejs20, /],
      ['nodejs6', /message: runtime: runtime 'nodejs6' is deprecated: Function Compute no longer accepts new functions on it/],
      ['java8', /message: runtime: runtime 'java8' is a Function Compute runtime that fnplay does not run \(fnplay runs nodejs20, nodejs18, nodejs16, nodejs14, nodejs12, nodejs10, nodejs8, /],
      ['java11', /runtime 'java11' is a Function Compute runtime that fnplay does not run/],
      ['php7.2', /runtime 'php7\.2' is a Function Compute runtime that fnplay does not run/],
      ['dotnetcore3.1', /runtime 'dotnetcore3\.1' is a Function Compute runtime that fnplay does not run/],
      ['python2.7', /runtime 'python2\.7' is a Function Compute runtime that fnplay does not run/],
      ['nodejs22', /message: runtime: Runtime is set to an invalid value \(fnplay runs nodejs20, .*go1/],
    ];
    for (const [runtime, message] of cases) {
      let err: (Error & { code?: string }) | null = null;
      await svc.client.createFunction('nodes', { functionName: 'refused', runtime, handler: 'index.cb', code: { zipFile } }).catch((e: Error) => (err = e));
      expect(err, runtime).not.toBeNull();
      expect(err!.code, runtime).toBe('InvalidArgument');
      expect(err!.message, runtime).toMatch(message);
    }
    await expect(svc.client.getFunction('nodes', 'refused')).rejects.toMatchObject({ code: 'FunctionNotFound' });
    await svc.client.createFunction('nodes', { functionName: 'stays', runtime: 'nodejs16', handler: 'index.cb', code: { zipFile } });
    const before = await svc.client.getFunction('nodes', 'stays');
    await expect(svc.client.updateFunction('nodes', 'stays', { runtime: 'nodejs6' })).rejects.toMatchObject({ code: 'InvalidArgument', message: expect.stringMatching(/deprecated/) });
    const after = await svc.client.getFunction('nodes', 'stays');
    expect([after.data.runtime, after.headers.etag]).toEqual(['nodejs16', before.headers.etag]);
  });
});

describe('context.tracing in Node.js', () => {
  const tracingFn = { 'index.js': `exports.handler = (event, context, callback) => callback(null, context.tracing);` };
  const endpoint = 'http://tracing-analysis-dc-hz.aliyuncs.com/adapt_abc@def/api/traces';

  it("carries the caller's span context and baggage, and the service's Jaeger endpoint", async () => {
    await svc.client.createService('traced', { tracingConfig: { type: 'Jaeger', params: { endpoint } } });
    for (const runtime of ['nodejs14', 'nodejs20']) {
      await svc.client.createFunction('traced', { functionName: `t-${runtime}`, runtime, handler: 'index.handler', code: { zipFile: await zipFiles(tracingFn) } });
      const baggage = Buffer.from(JSON.stringify({ tenant: 't1', plan: 'gold' })).toString('base64');
      const r = await svc.client.invokeFunction('traced', `t-${runtime}`, '', {
        'x-fc-tracing-opentracing-span-context': '6a3e1b2c4d5e6f70:6a3e1b2c4d5e6f70:0:1',
        'x-fc-tracing-opentracing-span-baggages': baggage,
      });
      expect(JSON.parse(r.data), runtime).toEqual({
        openTracingSpanContext: '6a3e1b2c4d5e6f70:6a3e1b2c4d5e6f70:0:1',
        openTracingSpanBaggages: { tenant: 't1', plan: 'gold' },
        jaegerEndpoint: endpoint,
      });
      // without a caller span, FC's headers come empty
      const plain = await svc.client.invokeFunction('traced', `t-${runtime}`, '');
      expect(JSON.parse(plain.data), runtime).toEqual({ openTracingSpanContext: '', openTracingSpanBaggages: {}, jaegerEndpoint: endpoint });
    }
  }, 30_000);

  it('follows the service: tracing turned off gives an empty endpoint to the next call', async () => {
    await svc.client.createService('untraced', { tracingConfig: { type: 'Jaeger', params: { endpoint } } });
    await svc.client.createFunction('untraced', { functionName: 'fn', runtime: 'nodejs18', handler: 'index.handler', code: { zipFile: await zipFiles(tracingFn) } });
    expect(JSON.parse((await svc.client.invokeFunction('untraced', 'fn', '')).data).jaegerEndpoint).toBe(endpoint);
    await svc.client.updateService('untraced', { tracingConfig: {} });
    expect(JSON.parse((await svc.client.invokeFunction('untraced', 'fn', '')).data).jaegerEndpoint).toBe('');
  }, 30_000);

  it('reaches an HTTP function through the trigger, without showing the x-fc-* headers in request.headers', async () => {
    await svc.client.createService('traced-http', { tracingConfig: { type: 'Jaeger', params: { endpoint } } });
    await svc.client.createFunction('traced-http', {
      functionName: 'web', runtime: 'nodejs16', handler: 'index.handler',
      code: { zipFile: await zipFiles({ 'index.js': `exports.handler = (req, res, context) => res.send(JSON.stringify({ tracing: context.tracing, seen: Object.keys(req.headers).filter((k) => k.startsWith('x-fc-')) }));` }) },
    });
    await svc.client.createTrigger('traced-http', 'web', { triggerName: 'http', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } });
    const res = await fetch(`${svc.url}/2016-08-15/proxy/traced-http/web/`, { headers: { 'x-fc-tracing-opentracing-span-context': 'abc:def:0:1' } });
    const body = JSON.parse(await res.text());
    expect(body).toEqual({ tracing: { openTracingSpanContext: 'abc:def:0:1', openTracingSpanBaggages: {}, jaegerEndpoint: endpoint }, seen: [] });
  }, 30_000);
});
