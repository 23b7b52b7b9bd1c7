// The bad-input table: every case is one request fnplay must refuse with FC's error shape, a
// 4xx and its ErrorCode, and (checked by the test) without changing anything. Cases are
// generated from a seed, so the table is the same on every run.
import { apiRequest, fcRequest, sdkReply, type Reply } from './bad-input-http.ts';
import { seeded, type Random } from './bad-input-random.ts';
import { brokenZips, validZip } from './bad-input-zips.ts';
import type { FcClient } from './service.ts';
import { buildZip } from '../../src/server/code/zip-builder.testkit.ts';

/** What the fixtures hold: the test creates exactly these before the cases run. */
export const FIXTURES = {
  service: 'victim',
  nodeFn: 'node',
  customFn: 'custom',
  trigger: 'web',
  /** names no case may leave behind */
  newService: 'never-created',
  newFn: 'never-created',
  zipFile: validZip().toString('base64'),
  /** a Node.js function whose code has a directory named bootstrap: it must not become a custom runtime */
  dirFn: 'bootstrap-dir',
  dirZip: buildZip([{ name: 'index.js', data: "exports.handler = async () => 'ok';" }, { name: 'bootstrap/readme.txt', data: 'not a program' }]).toString('base64'),
  bootstrapZip: buildZip([{ name: 'bootstrap', data: '#!/bin/sh\nexec node index.js\n', mode: 0o755 }, { name: 'index.js', data: '' }]).toString('base64'),
} as const;

export interface Target {
  client: FcClient;
  port: number;
  apiToken: string;
}

export interface BadCase {
  name: string;
  send: (t: Target) => Promise<Reply>;
  status: number;
  code: string;
  /** what the ErrorMessage must say (usually: which field) */
  message: RegExp;
}

const F = FIXTURES;
const invalid = (name: string, send: BadCase['send'], message: RegExp): BadCase => ({ name, send, status: 400, code: 'InvalidArgument', message });
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 60) ?? String(v);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const clone = <T>(v: T): T => structuredClone(v);

function setPath(obj: Record<string, unknown>, path: (string | number)[], value: unknown) {
  let at = obj as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) at = (at[path[i]!] ??= typeof path[i + 1] === 'number' ? [] : {}) as Record<string | number, unknown>;
  at[path.at(-1)!] = value;
}

const nodeFunction = () => ({ functionName: F.newFn, runtime: 'nodejs20', handler: 'index.handler', code: { zipFile: F.zipFile } });
const customFunction = () => ({
  ...nodeFunction(), runtime: 'custom', customRuntimeConfig: { command: ['node', 'index.js'], args: ['--port', '9000'] }, caPort: 9000,
});
const deployBody = (fn: Record<string, unknown> = {}) => ({
  serviceName: F.newService, function: { functionName: 'fn', runtime: 'nodejs20', handler: 'index.handler', ...fn }, zipFile: F.zipFile, httpTrigger: null,
});
const httpTrigger = () => ({ triggerName: 'second', triggerType: 'http', triggerConfig: { authType: 'anonymous', methods: ['GET'] } });

// ── 1. names
const NAME_CHARS = [' ', '.', '/', '\\', ':', '@', '!', '#', '$', '%', '^', '&', '*', '(', ')', '+', '=', '{', '}', '[', ']', '|', ';', "'", '"', '<', '>', '?', ',', '~', '`', 'é', '中', '\0', '\r', '\n', '\t', '\u2028'];

function badName(rnd: Random, base: string, max: number, i: number): string {
  switch (i % 6) {
    case 0: return `${rnd.int(10)}${base}`;
    case 1: return `-${base}`;
    case 2: return 'n'.repeat(max + 1 + rnd.int(20));
    case 3: return i % 12 === 3 ? '' : `${rnd.pick(NAME_CHARS)}${base}`;
    default: return rnd.insertAnywhere(base, rnd.pick(NAME_CHARS));
  }
}

function nameCases(rnd: Random, perKind: number): BadCase[] {
  const out: BadCase[] = [];
  for (let i = 0; i < perKind; i++) {
    const s = badName(rnd, 'my-service', 128, i);
    out.push(invalid(`createService name ${show(s)}`, (t) => sdkReply(t.client.createService(s)), /^serviceName: /));
    const f = badName(rnd, 'my_function', 64, i);
    out.push(invalid(`createFunction name ${show(f)}`, (t) => sdkReply(t.client.createFunction(F.service, { ...nodeFunction(), functionName: f })), /^functionName: /));
    const tr = badName(rnd, 'my-trigger', 128, i);
    out.push(invalid(`createTrigger name ${show(tr)}`, (t) => sdkReply(t.client.createTrigger(F.service, F.nodeFn, { ...httpTrigger(), triggerName: tr })), /^triggerName: /));
    if (i % 2 === 0) {
      const d = badName(rnd, 'deploy-svc', 128, i);
      out.push(invalid(`deploy serviceName ${show(d)}`, (t) => apiRequest(t, 'PUT', '/deploy', JSON.stringify({ ...deployBody(), serviceName: d })), /^serviceName: /));
      const df = badName(rnd, 'deploy_fn', 64, i);
      out.push(invalid(`deploy functionName ${show(df)}`, (t) => apiRequest(t, 'PUT', '/deploy', JSON.stringify(deployBody({ functionName: df }))), /^function\.functionName: /));
    }
  }
  return out;
}

// ── 2. characters, by the rule of each field (src/shared/field-text.ts)
const CHARS = {
  header: ['\0', '\r', '\n', '\r\n', '\t', '\x1b', '\x7f', 'é', '中', '\u2028'],
  line: ['\0', '\r', '\n', '\r\n', '\t', '\x1b', '\x7f', '\x01'],
  text: ['\0', '\x1b', '\x7f', '\x01', '\x08'],
  argv: ['\0'],
  sls: ['\0', '\r', '\n', 'A', ' ', '.', '/', 'é', '@'],
} as const;

interface Field {
  path: (string | number)[];
  rule: keyof typeof CHARS;
  base: string;
  /** where the value can be sent: the fixtures it is refused against */
  on: 'function' | 'custom' | 'service' | 'trigger';
}

const FIELDS: Field[] = [
  { path: ['handler'], rule: 'header', base: 'index.handler', on: 'function' },
  { path: ['initializer'], rule: 'header', base: 'index.init', on: 'function' },
  { path: ['instanceLifecycleConfig', 'preFreeze', 'handler'], rule: 'header', base: 'index.preFreeze', on: 'function' },
  { path: ['instanceLifecycleConfig', 'preStop', 'handler'], rule: 'header', base: 'index.preStop', on: 'function' },
  { path: ['description'], rule: 'text', base: 'a function under attack', on: 'function' },
  { path: ['customRuntimeConfig', 'command', 0], rule: 'argv', base: 'node', on: 'custom' },
  { path: ['customRuntimeConfig', 'command', 1], rule: 'argv', base: 'index.js', on: 'custom' },
  { path: ['customRuntimeConfig', 'args', 0], rule: 'argv', base: '--port', on: 'custom' },
  { path: ['customRuntimeConfig', 'args', 1], rule: 'argv', base: '9000', on: 'custom' },
  { path: ['environmentVariables', 'VALUE'], rule: 'argv', base: 'some value', on: 'function' },
  { path: ['description'], rule: 'text', base: 'a service under attack', on: 'service' },
  { path: ['role'], rule: 'line', base: 'acs:ram::1234567890123456:role/fc', on: 'service' },
  { path: ['logConfig', 'project'], rule: 'sls', base: 'my-project', on: 'service' },
  { path: ['logConfig', 'logstore'], rule: 'sls', base: 'my-logstore', on: 'service' },
  { path: ['qualifier'], rule: 'line', base: 'LATEST', on: 'trigger' },
  { path: ['description'], rule: 'text', base: 'a trigger under attack', on: 'trigger' },
  { path: ['invocationRole'], rule: 'line', base: 'acs:ram::1234567890123456:role/t', on: 'trigger' },
];

/** The field's value with a bad character somewhere; the first cases of a field go through its characters in turn. */
function badValue(rnd: Random, f: Field, i: number): string {
  const chars = CHARS[f.rule];
  const ch = i < chars.length ? chars[i]! : rnd.pick(chars);
  return rnd.insertAnywhere(f.base, ch);
}

/** The message prefix zod's path gives the field (environment variables report on the record). */
function fieldPrefix(path: (string | number)[], under = '') {
  const p = path[0] === 'environmentVariables' ? ['environmentVariables'] : path;
  return new RegExp(`^${escapeRe(under + p.join('.'))}: `);
}

function characterCases(rnd: Random, perField: number): BadCase[] {
  const out: BadCase[] = [];
  for (const f of FIELDS) {
    for (let i = 0; i < perField; i++) {
      const v = badValue(rnd, f, i);
      const label = `${f.path.join('.')} = ${show(v)}`;
      const patch: Record<string, unknown> = {};
      if (f.on === 'custom') patch.customRuntimeConfig = clone(customFunction().customRuntimeConfig);
      setPath(patch, f.path, v);
      const message = fieldPrefix(f.path);
      const via = i % 3;
      if (f.on === 'function' || f.on === 'custom') {
        const base = f.on === 'custom' ? customFunction() : nodeFunction();
        const fixture = f.on === 'custom' ? F.customFn : F.nodeFn;
        if (via === 0) out.push(invalid(`createFunction ${label}`, (t) => sdkReply(t.client.createFunction(F.service, { ...base, ...clone(patch) })), message));
        if (via === 1) out.push(invalid(`updateFunction ${label}`, (t) => sdkReply(t.client.updateFunction(F.service, fixture, clone(patch))), message));
        if (via === 2) {
          const fn = f.on === 'custom' ? { runtime: 'custom', ...clone(patch) } : clone(patch);
          out.push(invalid(`deploy ${label}`, (t) => apiRequest(t, 'PUT', '/deploy', JSON.stringify(deployBody(fn))), fieldPrefix(f.path, 'function.')));
        }
      } else if (f.on === 'service') {
        if (via !== 1) out.push(invalid(`createService ${label}`, (t) => sdkReply(t.client.createService(F.newService, clone(patch))), message));
        else out.push(invalid(`updateService ${label}`, (t) => sdkReply(t.client.updateService(F.service, clone(patch))), message));
      } else {
        if (via !== 1) out.push(invalid(`createTrigger ${label}`, (t) => sdkReply(t.client.createTrigger(F.service, F.nodeFn, { ...httpTrigger(), ...clone(patch) })), message));
        else out.push(invalid(`updateTrigger ${label}`, (t) => sdkReply(t.client.updateTrigger(F.service, F.nodeFn, F.trigger, clone(patch))), message));
      }
    }
  }
  // environment variable names: FC's ^[a-zA-Z][a-zA-Z0-9_]*$, reserved names
  const keys = ['1ABC', '_A', 'A-B', 'A.B', 'A B', 'A=B', 'A\0', 'A\n', 'A\r', 'É', '', 'FC_X', 'accessKeyID', 'topic'];
  keys.forEach((k, i) => {
    const env = { OK: 'x', [k]: 'v' };
    const message = /^environmentVariables: environment variable name .* (must match|is reserved)/;
    if (i % 2 === 0) out.push(invalid(`createFunction env name ${show(k)}`, (t) => sdkReply(t.client.createFunction(F.service, { ...nodeFunction(), environmentVariables: env })), message));
    else out.push(invalid(`updateFunction env name ${show(k)}`, (t) => sdkReply(t.client.updateFunction(F.service, F.nodeFn, { environmentVariables: env })), message));
  });
  // empty command words: nothing to run
  for (const command of [[''], [' '], ['node', ''], ['\t']]) {
    out.push(invalid(`updateFunction command ${show(command)}`, (t) => sdkReply(t.client.updateFunction(F.service, F.customFn, { customRuntimeConfig: { command } })), /^customRuntimeConfig\.command\.\d+: must not be empty/));
  }
  return out;
}

// ── 3. values past their limits
function oversizeCases(): BadCase[] {
  const fn = (name: string, patch: Record<string, unknown>, message: RegExp) =>
    invalid(`createFunction ${name}`, (t) => sdkReply(t.client.createFunction(F.service, { ...customFunction(), ...patch })), message);
  const upd = (name: string, patch: Record<string, unknown>, message: RegExp) =>
    invalid(`updateFunction ${name}`, (t) => sdkReply(t.client.updateFunction(F.service, F.customFn, patch)), message);
  return [
    fn('handler of 129 characters', { handler: `index.${'h'.repeat(123)}` }, /^handler: /),
    upd('initializer of 129 characters', { initializer: `index.${'i'.repeat(123)}` }, /^initializer: /),
    upd('preStop handler of 200 characters', { instanceLifecycleConfig: { preStop: { handler: 'p'.repeat(200) } } }, /^instanceLifecycleConfig\.preStop\.handler: /),
    fn('description of 257 characters', { description: 'd'.repeat(257) }, /^description: /),
    upd('description of 10,000 characters', { description: 'd'.repeat(10_000) }, /^description: /),
    fn('environment of 4,097 bytes', { environmentVariables: { A: 'x'.repeat(4096) } }, /^environmentVariables: .*4 KB/),
    upd('environment of 50 variables of 100 bytes', { environmentVariables: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`V${i}`, 'x'.repeat(100)])) }, /^environmentVariables: .*4 KB/),
    fn('a command word of 4,097 characters', { customRuntimeConfig: { command: ['n'.repeat(4097)] } }, /^customRuntimeConfig\.command\.0: /),
    upd('a command of 101 words', { customRuntimeConfig: { command: Array.from({ length: 101 }, () => 'w') } }, /^customRuntimeConfig\.command: /),
    upd('101 args', { customRuntimeConfig: { args: Array.from({ length: 101 }, () => 'a') } }, /^customRuntimeConfig\.args: /),
    fn('an arg of 100,000 characters', { customRuntimeConfig: { args: ['a'.repeat(100_000)] } }, /^customRuntimeConfig\.args\.0: /),
    upd('memorySize 32832', { memorySize: 32832 }, /^memorySize: /),
    upd('timeout 86401', { timeout: 86401 }, /^timeout: /),
    upd('preFreeze timeout 91', { instanceLifecycleConfig: { preFreeze: { timeout: 91 } } }, /^instanceLifecycleConfig\.preFreeze\.timeout: /),
    upd('initializationTimeout 301', { initializationTimeout: 301 }, /^initializationTimeout: /),
    upd('instanceConcurrency 101', { instanceConcurrency: 101 }, /^instanceConcurrency: /),
    upd('caPort 65536', { caPort: 65536 }, /^caPort: /),
    invalid('createService role of 1,025 characters', (t) => sdkReply(t.client.createService(F.newService, { role: 'r'.repeat(1025) })), /^role: /),
    invalid('updateService logstore of 64 characters', (t) => sdkReply(t.client.updateService(F.service, { logConfig: { logstore: 'l'.repeat(64) } })), /^logConfig\.logstore: /),
    invalid('updateService project of 2 characters', (t) => sdkReply(t.client.updateService(F.service, { logConfig: { project: 'ab' } })), /^logConfig\.project: /),
    invalid('createTrigger description of 257 characters', (t) => sdkReply(t.client.createTrigger(F.service, F.nodeFn, { ...httpTrigger(), description: 'd'.repeat(257) })), /^description: /),
    invalid('on-demand config over the account limit', (t) => sdkReply(t.client.putOnDemandConfig(F.service, F.nodeFn, 'LATEST', { maximumInstanceCount: 301 })), /maximumInstanceCount/),
  ];
}

// ── 4. values of the wrong type (raw: the SDK would coerce some of them)
function wrongTypeCases(): BadCase[] {
  const out: BadCase[] = [];
  const table: [string, string, string, Record<string, unknown>, unknown[]][] = [
    ['POST', `/services/${F.service}/functions`, 'createFunction', nodeFunction(), []],
    ['PUT', `/services/${F.service}/functions/${F.nodeFn}`, 'updateFunction', {}, []],
  ];
  const fnFields: [string, unknown[]][] = [
    ['memorySize', ['256', 'abc', 256.5, true, null, [], {}]],
    ['timeout', ['3', -1.5, null]],
    ['instanceConcurrency', ['1', 2.5, false]],
    ['handler', [123, null, [], {}]],
    ['runtime', [20, null, ['nodejs20']]],
    ['environmentVariables', [[], 'K=v', { K: 1 }, { K: null }, { K: {} }, { K: ['v'] }]],
    ['customRuntimeConfig', ['node', { command: 'node' }, { args: [1] }, { command: [null] }, []]],
    ['instanceLifecycleConfig', ['x', { preStop: 'x' }, { preStop: { timeout: '3' } }, { preFreeze: { handler: 1 } }]],
    ['caPort', ['9000', 0, 1.5]],
    ['code', ['zip', { zipFile: 5 }, { zipFile: [] }, []]],
    ['description', [5, {}, false]],
    ['initializer', [1, {}]],
  ];
  for (const [method, path, label, base] of table) {
    for (const [field, values] of fnFields) {
      for (const v of values) {
        const body = JSON.stringify({ ...base, [field]: v });
        out.push(invalid(`${label} ${field} = ${show(v)}`, (t) => fcRequest(t, method, path, body), new RegExp(`^${field}(\\.|: )`)));
      }
    }
  }
  const others: [string, string, string, Record<string, unknown>][] = [
    ['createService serviceName', 'POST', '/services', { serviceName: 5 }],
    ['createService serviceName null', 'POST', '/services', { serviceName: null }],
    ['createService serviceName array', 'POST', '/services', { serviceName: ['a'] }],
    ['createService without serviceName', 'POST', '/services', { description: 'x' }],
    ['createService internetAccess "yes"', 'POST', '/services', { serviceName: F.newService, internetAccess: 'yes' }],
    ['updateService internetAccess 1', 'PUT', `/services/${F.service}`, { internetAccess: 1 }],
    ['updateService logConfig "auto"', 'PUT', `/services/${F.service}`, { logConfig: 'auto' }],
    ['updateService logConfig.project 5', 'PUT', `/services/${F.service}`, { logConfig: { project: 5 } }],
    ['updateService description 5', 'PUT', `/services/${F.service}`, { description: 5 }],
    ['createTrigger triggerConfig "x"', 'POST', `/services/${F.service}/functions/${F.nodeFn}/triggers`, { ...httpTrigger(), triggerConfig: 'x' }],
    ['createTrigger methods "GET"', 'POST', `/services/${F.service}/functions/${F.nodeFn}/triggers`, { ...httpTrigger(), triggerConfig: { methods: 'GET' } }],
    ['createTrigger authType "none"', 'POST', `/services/${F.service}/functions/${F.nodeFn}/triggers`, { ...httpTrigger(), triggerConfig: { authType: 'none' } }],
    ['createTrigger no methods', 'POST', `/services/${F.service}/functions/${F.nodeFn}/triggers`, { ...httpTrigger(), triggerConfig: { methods: [] } }],
    ['createTrigger method FETCH', 'POST', `/services/${F.service}/functions/${F.nodeFn}/triggers`, { ...httpTrigger(), triggerConfig: { methods: ['FETCH'] } }],
    ['createTrigger triggerType oss', 'POST', `/services/${F.service}/functions/${F.nodeFn}/triggers`, { ...httpTrigger(), triggerType: 'oss' }],
    ['createTrigger triggerName 5', 'POST', `/services/${F.service}/functions/${F.nodeFn}/triggers`, { ...httpTrigger(), triggerName: 5 }],
    ['updateTrigger triggerConfig []', 'PUT', `/services/${F.service}/functions/${F.nodeFn}/triggers/${F.trigger}`, { triggerConfig: [] }],
    ['on-demand maximumInstanceCount "5"', 'PUT', `/services/${F.service}/functions/${F.nodeFn}/on-demand-config`, { maximumInstanceCount: '5' }],
    ['on-demand maximumInstanceCount -1', 'PUT', `/services/${F.service}/functions/${F.nodeFn}/on-demand-config`, { maximumInstanceCount: -1 }],
    ['on-demand maximumInstanceCount 1.5', 'PUT', `/services/${F.service}/functions/${F.nodeFn}/on-demand-config`, { maximumInstanceCount: 1.5 }],
    ['on-demand without maximumInstanceCount', 'PUT', `/services/${F.service}/functions/${F.nodeFn}/on-demand-config`, {}],
  ];
  for (const [name, method, path, body] of others) out.push(invalid(name, (t) => fcRequest(t, method, path, JSON.stringify(body)), /\S/));
  const deploys: [string, unknown][] = [
    ['deploy function null', { ...deployBody(), function: null }],
    ['deploy without function', { serviceName: F.newService, zipFile: F.zipFile, httpTrigger: null }],
    ['deploy zipFile 5', { ...deployBody(), zipFile: 5 }],
    ['deploy httpTrigger "yes"', { ...deployBody(), httpTrigger: 'yes' }],
    ['deploy httpTrigger without methods', { ...deployBody(), httpTrigger: { authType: 'anonymous', methods: [] } }],
    ['deploy httpTrigger authType "x"', { ...deployBody(), httpTrigger: { authType: 'x', methods: ['GET'] } }],
    ['deploy memorySize "128"', deployBody({ memorySize: '128' })],
    ['deploy first function without code', { ...deployBody(), zipFile: null }],
    ['deploy an update with memorySize 100', { ...deployBody({ functionName: F.nodeFn, memorySize: 100 }), serviceName: F.service, zipFile: null }],
    ['deploy an array', [deployBody()]],
  ];
  for (const [name, body] of deploys) out.push(invalid(name, (t) => apiRequest(t, 'PUT', '/deploy', JSON.stringify(body)), /\S/));
  return out;
}

// ── 5. bodies that are not JSON, or not a JSON object
function malformedJsonCases(rnd: Random, n: number): BadCase[] {
  const endpoints: [string, string][] = [
    ['POST', '/services'],
    ['PUT', `/services/${F.service}`],
    ['POST', `/services/${F.service}/functions`],
    ['PUT', `/services/${F.service}/functions/${F.nodeFn}`],
    ['POST', `/services/${F.service}/functions/${F.nodeFn}/triggers`],
    ['PUT', `/services/${F.service}/functions/${F.nodeFn}/triggers/${F.trigger}`],
    ['PUT', `/services/${F.service}/functions/${F.nodeFn}/on-demand-config`],
    ['PUT', '/api/deploy'],
  ];
  // Each is either not JSON or not an object: a well-formed object of unknown keys is a valid
  // (empty) update, as on FC, so none is here.
  const bodies = [
    '{"serviceName": "half', 'not json', '<xml/>', '{a: 1}', "{'a': 1}", '[1, 2', 'null', '[]', '"a string"', '42', 'true',
    '{"a":1}}', '{"a":1} trailing', '{"a":}', '{"a":1,}', '{"a":NaN}', '{"a":0x10}', '{"a":"\u0000"', '\0', '{"a":1',
    `${'['.repeat(20_000)}${']'.repeat(20_000)}`, `${'{"a":'.repeat(5_000)}1`,
  ];
  const out: BadCase[] = [];
  for (let i = 0; i < n; i++) {
    const [method, path] = endpoints[i % endpoints.length]!;
    const body = i < bodies.length ? bodies[i]! : rnd.pick(bodies);
    const send = path.startsWith('/api/') ? (t: Target) => apiRequest(t, method, path.slice(4), body) : (t: Target) => fcRequest(t, method, path, body);
    out.push(invalid(`${method} ${path} with body ${show(body)}`, send, /\S/));
  }
  return out;
}

// ── 6. broken code zips, through every way code arrives
function zipCases(rnd: Random, perKind: number): BadCase[] {
  const out: BadCase[] = [];
  const sendZip = (zipFile: string, i: number): [string, BadCase['send']] => {
    if (i % 3 === 0) return ['createFunction', (t) => sdkReply(t.client.createFunction(F.service, { ...nodeFunction(), code: { zipFile } }))];
    if (i % 3 === 1) return ['updateFunction', (t) => sdkReply(t.client.updateFunction(F.service, F.nodeFn, { code: { zipFile } }))];
    return ['deploy', (t) => apiRequest(t, 'PUT', '/deploy', JSON.stringify({ ...deployBody(), zipFile }))];
  };
  brokenZips(rnd, perKind).forEach(({ what, zip }, i) => {
    const [via, send] = sendZip(zip.toString('base64'), i);
    out.push(invalid(`${via} with a zip: ${what}`, send, /^code\.zipFile: code/));
  });
  const notZips: [string, string, RegExp][] = [
    ['not base64', 'this is *not* base64!', /^code\.zipFile must be a base64-encoded zip/],
    ['empty', '', /^code\.zipFile is required/],
    ['text', Buffer.from('hello, this is not a zip file').toString('base64'), /^code\.zipFile: code is not a readable zip/],
    ['a lone local header signature', Buffer.from('PK\x03\x04').toString('base64'), /^code\.zipFile: code is not a readable zip/],
    ['an end record claiming entries it lacks', Buffer.from('504b050600000000050005002e000000000000000000', 'hex').toString('base64'), /^code\.zipFile: code/],
  ];
  notZips.forEach(([what, zipFile, message], i) => {
    const [via, send] = sendZip(zipFile, i);
    // the deploy schema lets '' through as "no code": for a new function that is its own refusal
    out.push(invalid(`${via} with code that is ${what}`, send, via === 'deploy' && zipFile === '' ? /^zipFile: / : message));
  });
  // a custom runtime's bootstrap that is a directory can never start
  const dirZip = buildZip([{ name: 'bootstrap/', dir: true }, { name: 'bootstrap/run', data: '#!/bin/sh\n', mode: 0o755 }]).toString('base64');
  const bootstrap = /^code\.zipFile: bootstrap is a directory/;
  out.push(invalid('createFunction custom with a bootstrap directory', (t) => sdkReply(t.client.createFunction(F.service, { ...nodeFunction(), runtime: 'custom', code: { zipFile: dirZip } })), bootstrap));
  out.push(invalid('updateFunction custom with a bootstrap directory', (t) => sdkReply(t.client.updateFunction(F.service, F.customFn, { customRuntimeConfig: { command: [] }, code: { zipFile: dirZip } })), bootstrap));
  out.push(invalid('updateFunction to custom, keeping code whose bootstrap is a directory', (t) => sdkReply(t.client.updateFunction(F.service, F.dirFn, { runtime: 'custom' })), /^runtime: bootstrap is a directory/));
  out.push(invalid('updateFunction to custom with args, keeping that code', (t) => sdkReply(t.client.updateFunction(F.service, F.dirFn, { runtime: 'custom', customRuntimeConfig: { args: ['x'] } })), /^customRuntimeConfig: bootstrap is a directory/));
  out.push(invalid('deploy an update to custom, keeping that code', (t) => apiRequest(t, 'PUT', '/deploy', JSON.stringify({ ...deployBody({ functionName: F.dirFn, runtime: 'custom' }), serviceName: F.service, zipFile: null })), /^runtime: bootstrap is a directory/));
  out.push(invalid('deploy custom with a bootstrap directory', (t) => apiRequest(t, 'PUT', '/deploy', JSON.stringify({ ...deployBody({ runtime: 'custom' }), zipFile: dirZip })), bootstrap));
  return out;
}

// ── 7. query parameters of the playground API
function queryCases(): BadCase[] {
  const values = ['abc', '', '-1', '1.5', '1e3', '0x10', ' 7', '7 ', '+7', '99999999999999999999', '١٢', 'NaN', 'Infinity', '%00', '1%0A', '[]'];
  const out: BadCase[] = [];
  const routes: [string, string, string[]][] = [
    ['/logs', 'limit', ['0', '10001']],
    ['/logs', 'afterId', []],
    [`/functions/${F.service}/${F.nodeFn}/invocations`, 'limit', ['0', '1001']],
  ];
  for (const [route, param, extra] of routes) {
    for (const v of [...values, ...extra]) {
      const path = `${route}?${param}=${v.startsWith('%') || v.includes('%') ? v : encodeURIComponent(v)}`;
      out.push(invalid(`GET /api${path}`, (t) => apiRequest(t, 'GET', path), new RegExp(`^${param} must be a whole number`)));
    }
  }
  return out;
}

// ── 8. runtimes fnplay does not run, and service tracing
function runtimeAndTracingCases(): BadCase[] {
  const out: BadCase[] = [];
  // FC no longer takes new functions on these; the others FC knows, fnplay does not run; the rest FC does not know.
  const refused: [string, RegExp][] = [
    ['nodejs4.4', /^runtime: runtime 'nodejs4\.4' is deprecated: Function Compute no longer accepts new functions on it/],
    ['nodejs6', /^runtime: runtime 'nodejs6' is deprecated: Function Compute no longer accepts new functions on it/],
    ...['java8', 'java11', 'php7.2', 'dotnetcore2.1', 'dotnetcore3.1', 'python2.7'].map((r): [string, RegExp] => [r, new RegExp(`^runtime: runtime '${escapeRe(r)}' is a Function Compute runtime that fnplay does not run \\(fnplay runs nodejs20, `)]),
    ...['nodejs22', 'nodejs', 'Nodejs20', 'go1.21', 'java17', 'custom.debian11'].map((r): [string, RegExp] => [r, /^runtime: Runtime is set to an invalid value \(fnplay runs nodejs20, /]),
  ];
  refused.forEach(([runtime, message], i) => {
    if (i % 3 === 0) out.push(invalid(`createFunction runtime ${runtime}`, (t) => sdkReply(t.client.createFunction(F.service, { ...nodeFunction(), runtime })), message));
    if (i % 3 === 1) out.push(invalid(`updateFunction runtime ${runtime}`, (t) => sdkReply(t.client.updateFunction(F.service, F.nodeFn, { runtime })), message));
    if (i % 3 === 2) out.push(invalid(`deploy runtime ${runtime}`, (t) => apiRequest(t, 'PUT', '/deploy', JSON.stringify(deployBody({ runtime }))), new RegExp(`^function\\.${message.source.slice(1)}`)));
  });
  const tracing: [string, unknown, RegExp][] = [
    ['type Zipkin', { type: 'Zipkin', params: { endpoint: 'http://z' } }, /^tracingConfig\.type: /],
    ['Jaeger without params', { type: 'Jaeger' }, /^tracingConfig\.params: /],
    ['params without type', { params: { endpoint: 'http://j' } }, /^tracingConfig\.type: /],
    ['an endpoint that is not a URL', { type: 'Jaeger', params: { endpoint: 'not a url' } }, /^tracingConfig\.params\.endpoint: /],
    ['an endpoint with CR LF', { type: 'Jaeger', params: { endpoint: 'http://j/\r\nx: 1' } }, /^tracingConfig\.params\.endpoint: /],
    ['an endpoint with a non-ASCII character', { type: 'Jaeger', params: { endpoint: 'http://jäger.local/' } }, /^tracingConfig\.params\.endpoint: /],
    ['an endpoint of 1,025 characters', { type: 'Jaeger', params: { endpoint: `http://j/${'p'.repeat(1016)}` } }, /^tracingConfig\.params\.endpoint: /],
    ['an array', [], /^tracingConfig: /],
    ['params a string', { type: 'Jaeger', params: 'http://j' }, /^tracingConfig\.params: /],
  ];
  tracing.forEach(([what, tracingConfig, message], i) => {
    if (i % 2 === 0) out.push(invalid(`createService tracingConfig ${what}`, (t) => sdkReply(t.client.createService(F.newService, { tracingConfig })), message));
    else out.push(invalid(`updateService tracingConfig ${what}`, (t) => sdkReply(t.client.updateService(F.service, { tracingConfig })), message));
  });
  return out;
}

/** The whole table, from one seed. */
export function badInputCases(seed: number): BadCase[] {
  const rnd = seeded(seed);
  return [
    ...nameCases(rnd, 24),
    ...characterCases(rnd, 6),
    ...oversizeCases(),
    ...wrongTypeCases(),
    ...malformedJsonCases(rnd, 40),
    ...zipCases(rnd, 20),
    ...queryCases(),
    ...runtimeAndTracingCases(),
  ];
}
