import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RUNTIMES } from '../../shared/function-config.ts';
import { DEFAULT_MANIFEST } from '../workspace/defaults.ts';
import { defaultHandlerOf } from '../workspace/runtime-defaults.ts';
import type { ManifestDraft } from '../workspace/types.ts';
import { manifestToSYaml, sYamlToManifest } from './s-yaml.ts';

/** Every field away from its default, so a field the round trip drops cannot hide. */
const FULL: ManifestDraft = {
  serviceName: 'shop',
  functionName: 'checkout',
  description: 'takes orders: "quoted", and #hashes',
  runtime: 'nodejs18',
  handler: 'src/main.handle',
  functionType: 'http',
  memorySize: 1024,
  timeout: 120,
  instanceConcurrency: 20,
  initializer: 'src/main.init',
  initializationTimeout: 30,
  preFreezeHandler: 'src/main.preFreeze',
  preFreezeTimeout: 10,
  preStopHandler: 'src/main.preStop',
  preStopTimeout: 20,
  // values YAML would otherwise read as numbers, booleans, null
  environmentVariables: [['LEVEL', 'debug'], ['PORT', '8080'], ['ZIP', '0123'], ['ON', 'true'], ['EMPTY', ''], ['NOTHING', 'null']],
  command: ['node', '--enable-source-maps'],
  args: ['server.js', 'hello world'],
  caPort: 8080,
  // a Node.js function has no image: the container fields are written for custom-container only (CONTAINER below)
  image: DEFAULT_MANIFEST.image,
  containerCommand: DEFAULT_MANIFEST.containerCommand,
  containerArgs: DEFAULT_MANIFEST.containerArgs,
  accelerationType: DEFAULT_MANIFEST.accelerationType,
  webServerMode: DEFAULT_MANIFEST.webServerMode,
  instanceID: DEFAULT_MANIFEST.instanceID,
  httpMethods: ['PUT', 'DELETE', 'OPTIONS'],
  layers: ['acs:fc:cn-hangzhou:1234567890123456:layers/pandas/versions/2', 'acs:fc:cn-hangzhou:1234567890123456:layers/tools/versions/1'],
  httpAuthType: 'function',
  asyncConfig: {
    maxAsyncRetryAttempts: 1,
    maxAsyncEventAgeInSeconds: 3600,
    onSuccess: 'acs:fc:cn-hangzhou:1234567890123456:services/shop.LATEST/functions/audit',
    onFailure: 'acs:fc:::services/shop/functions/dead-letters',
    statefulInvocation: true,
  },
};

const roundTrip = (m: ManifestDraft) => sYamlToManifest(manifestToSYaml(m));

describe('s.yaml export', () => {
  it('writes the Serverless Devs edition 1.0.0 layout with the fc component', () => {
    const doc = parse(manifestToSYaml(FULL));
    expect(doc).toMatchObject({ edition: '1.0.0', name: 'shop', access: 'default' });
    const props = doc.services.checkout.props;
    expect(doc.services.checkout.component).toBe('fc');
    expect(props.region).toBe('cn-hangzhou');
    expect(props.service).toEqual({ name: 'shop' });
    expect(props.function).toMatchObject({
      name: 'checkout',
      runtime: 'nodejs18',
      memorySize: 1024,
      instanceConcurrency: 20,
      instanceLifecycleConfig: { preFreeze: { handler: 'src/main.preFreeze', timeout: 10 }, preStop: { handler: 'src/main.preStop', timeout: 20 } },
      environmentVariables: { PORT: '8080', ON: 'true' },
      codeUri: './code',
    });
    expect(props.triggers).toEqual([{ name: 'httpTrigger', type: 'http', config: { authType: 'function', methods: ['PUT', 'DELETE', 'OPTIONS'] } }]);
  });

  it('leaves out triggers for an event function and defaults that say nothing', () => {
    const fn = parse(manifestToSYaml(DEFAULT_MANIFEST)).services.hello.props;
    expect(fn.triggers).toBeUndefined();
    expect(Object.keys(fn.function)).toEqual(['name', 'runtime', 'handler', 'memorySize', 'timeout', 'instanceConcurrency', 'codeUri']);
  });

  it('writes asyncConfiguration as the fc component reads it: destinations as ARNs under destination', () => {
    const fn = parse(manifestToSYaml(FULL)).services.checkout.props.function;
    expect(fn.asyncConfiguration).toEqual({
      destination: { onSuccess: 'acs:fc:cn-hangzhou:1234567890123456:services/shop.LATEST/functions/audit', onFailure: 'acs:fc:::services/shop/functions/dead-letters' },
      maxAsyncEventAgeInSeconds: 3600,
      maxAsyncRetryAttempts: 1,
      statefulInvocation: true,
    });
    const noDestinations = parse(manifestToSYaml({ ...DEFAULT_MANIFEST, asyncConfig: { ...FULL.asyncConfig!, onSuccess: '', onFailure: ' ' } })).services.hello.props.function;
    expect(noDestinations.asyncConfiguration).toEqual({ maxAsyncEventAgeInSeconds: 3600, maxAsyncRetryAttempts: 1, statefulInvocation: true });
  });

  it('writes the region it is given', () => {
    expect(parse(manifestToSYaml(DEFAULT_MANIFEST, { region: 'cn-shanghai' })).services.hello.props.region).toBe('cn-shanghai');
  });
});

describe('s.yaml round trip', () => {
  it('restores a draft with every field set', () => {
    expect(roundTrip(FULL)).toEqual(FULL);
  });

  it('restores a custom runtime draft, including an empty command', () => {
    const custom: ManifestDraft = { ...DEFAULT_MANIFEST, runtime: 'custom.debian10', command: ['./bootstrap'], args: ['--port', '9001', "it's"], caPort: 9001 };
    expect(roundTrip(custom)).toEqual(custom);
    const bare: ManifestDraft = { ...DEFAULT_MANIFEST, runtime: 'custom' };
    expect(roundTrip(bare)).toEqual(bare);
  });

  it('restores an HTTP function with its methods in order and its auth type', () => {
    const http: ManifestDraft = { ...DEFAULT_MANIFEST, functionType: 'http', httpMethods: ['POST', 'GET', 'HEAD'], httpAuthType: 'anonymous' };
    expect(roundTrip(http)).toEqual(http);
  });

  it('round-trips a Go function with its hooks', () => {
    const go: ManifestDraft = { ...DEFAULT_MANIFEST, runtime: 'go1', handler: 'main', initializer: 'initialize', preStopHandler: 'preStop', functionType: 'http' };
    const props = parse(manifestToSYaml(go)).services.hello.props;
    expect(props.function).toMatchObject({ runtime: 'go1', handler: 'main', initializer: 'initialize', instanceLifecycleConfig: { preStop: { handler: 'preStop' } } });
    // Custom runtime settings are only for custom runtimes.
    expect(props.function).not.toHaveProperty('customRuntimeConfig');
    expect(roundTrip(go)).toEqual(go);
  });

  it('restores a custom-container draft with its image settings', () => {
    const container: ManifestDraft = {
      ...DEFAULT_MANIFEST, runtime: 'custom-container', image: 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1', containerCommand: ['/server', '--greeting', 'hello world'],
      containerArgs: ['--port', '9000'], accelerationType: 'None', webServerMode: false, instanceID: 'cri-abc', caPort: 8080,
    };
    expect(roundTrip(container)).toEqual(container);
    const ownEntrypoint: ManifestDraft = { ...DEFAULT_MANIFEST, runtime: 'custom-container', image: '127.0.0.1:5000/fc/app:v1' };
    expect(roundTrip(ownEntrypoint)).toEqual(ownEntrypoint);
  });

  it('restores the defaults, and hooks with a timeout but no handler', () => {
    expect(roundTrip(DEFAULT_MANIFEST)).toEqual(DEFAULT_MANIFEST);
    const hooks: ManifestDraft = { ...DEFAULT_MANIFEST, preStopTimeout: 40, initializationTimeout: 9 };
    expect(roundTrip(hooks)).toEqual(hooks);
  });
});

describe('s.yaml custom-container', () => {
  it('writes customContainerConfig as Serverless Devs does: command and args as JSON-array strings, no codeUri', () => {
    const m: ManifestDraft = { ...DEFAULT_MANIFEST, runtime: 'custom-container', image: 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1', containerCommand: ['/server'], containerArgs: ['--port', '9000'] };
    const text = manifestToSYaml(m);
    const fn = parse(text).services.hello.props.function;
    expect(fn.customContainerConfig).toEqual({ image: 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1', command: '["/server"]', args: '["--port","9000"]', accelerationType: 'Default', webServerMode: true });
    expect(fn.caPort).toBe(9000);
    expect(fn).not.toHaveProperty('codeUri');
    expect(fn).not.toHaveProperty('customRuntimeConfig');
  });

  it("writes '' for the image's own ENTRYPOINT and CMD", () => {
    const fn = parse(manifestToSYaml({ ...DEFAULT_MANIFEST, runtime: 'custom-container', image: 'app:v1' })).services.hello.props.function;
    expect(fn.customContainerConfig).toMatchObject({ command: '', args: '' });
  });

  it("reads a file written by hand: FC's strings, or lists", () => {
    const file = (config: string) => `edition: 1.0.0
services:
  app:
    component: fc
    props:
      service: { name: svc }
      function:
        name: fn
        runtime: custom-container
        handler: not-used
        caPort: 8080
        customContainerConfig:
${config.replace(/^/gm, '          ')}`;
    expect(sYamlToManifest(file(`image: registry.cn-hangzhou.aliyuncs.com/ns/app:v1\ncommand: '["python", "app.py"]'\nargs: '["-arg1", "value 1"]'\naccelerationType: Default\ninstanceID: cri-xxxxxx`))).toMatchObject({
      runtime: 'custom-container', handler: 'not-used', caPort: 8080, image: 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1',
      containerCommand: ['python', 'app.py'], containerArgs: ['-arg1', 'value 1'], accelerationType: 'Default', instanceID: 'cri-xxxxxx', webServerMode: true,
    });
    expect(sYamlToManifest(file('image: app:v1\ncommand: [/server]\nwebServerMode: false'))).toMatchObject({ containerCommand: ['/server'], containerArgs: [], webServerMode: false });
    expect(() => sYamlToManifest(file("image: app:v1\ncommand: 'python app.py'"))).toThrow(/function\.customContainerConfig\.command: must be a JSON array of strings/);
    expect(() => sYamlToManifest(file('image: app:v1\naccelerationType: Fast'))).toThrow(/customContainerConfig\.accelerationType/);
  });
});

describe('s.yaml import', () => {
  const minimal = (fn: string, extra = '') => `edition: 1.0.0
services:
  app:
    component: devsapp/fc
    props:
      region: cn-hangzhou
      service:
        name: svc
      function:
${fn.replace(/^/gm, '        ')}
${extra}`;

  it("reads asyncConfiguration as Serverless Devs writes it, FC's destinationConfig shape too, defaults for what it leaves out", () => {
    const m = sYamlToManifest(minimal('name: fn\nruntime: nodejs20\nasyncConfiguration:\n  destination:\n    onFailure: acs:fc:::services/svc.LATEST/functions/dlq\n  statefulInvocation: true'));
    expect(m.asyncConfig).toEqual({ maxAsyncRetryAttempts: 3, maxAsyncEventAgeInSeconds: 86400, onSuccess: '', onFailure: 'acs:fc:::services/svc.LATEST/functions/dlq', statefulInvocation: true });
    const api = sYamlToManifest(minimal('name: fn\nruntime: nodejs20\nasyncConfiguration:\n  maxAsyncRetryAttempts: 0\n  destinationConfig:\n    onSuccess:\n      destination: acs:fc:cn-hangzhou:1:services/svc/functions/ok'));
    expect(api.asyncConfig).toMatchObject({ maxAsyncRetryAttempts: 0, onSuccess: 'acs:fc:cn-hangzhou:1:services/svc/functions/ok', statefulInvocation: false });
    expect(sYamlToManifest(minimal('name: fn\nruntime: nodejs20\nasyncConfiguration: {}')).asyncConfig).toBeNull();
    expect(() => sYamlToManifest(minimal('name: fn\nruntime: nodejs20\nasyncConfiguration:\n  maxAsyncRetryAttempts: three'))).toThrow(/function\.asyncConfiguration\.maxAsyncRetryAttempts/);
  });

  it('fills what a hand-written file leaves out with defaults and reads scalar env values as text', () => {
    const m = sYamlToManifest(minimal('name: fn\nruntime: nodejs20\ninitializer:\nenvironmentVariables:\n  PORT: 8080\n  DEBUG: true'));
    expect(m).toEqual({ ...DEFAULT_MANIFEST, serviceName: 'svc', functionName: 'fn', environmentVariables: [['PORT', '8080'], ['DEBUG', 'true']] });
  });

  it('takes every runtime the service runs, each with its own default handler when the file has none', () => {
    for (const runtime of RUNTIMES) {
      const draft: ManifestDraft = { ...DEFAULT_MANIFEST, runtime, handler: defaultHandlerOf(runtime), ...(runtime === 'custom-container' ? { image: 'app:v1' } : {}) };
      expect(roundTrip(draft), runtime).toEqual(draft);
      expect(sYamlToManifest(minimal(`name: fn\nruntime: ${runtime}`)), runtime).toMatchObject({ runtime, handler: defaultHandlerOf(runtime) });
    }
  });

  it('keeps a Python function and its snake_case hooks', () => {
    const python = RUNTIMES.find((r) => r.startsWith('python'));
    if (!python) return; // not a runtime the service runs yet: refused above like any other
    const draft: ManifestDraft = { ...DEFAULT_MANIFEST, runtime: python, handler: 'app.handler', functionType: 'http', initializer: 'app.initialize', preFreezeHandler: 'app.pre_freeze', preStopHandler: 'app.pre_stop' };
    expect(parse(manifestToSYaml(draft)).services.hello.props.function).toMatchObject({
      runtime: python, handler: 'app.handler', initializer: 'app.initialize',
      instanceLifecycleConfig: { preFreeze: { handler: 'app.pre_freeze' }, preStop: { handler: 'app.pre_stop' } }, codeUri: './code',
    });
    expect(roundTrip(draft)).toEqual(draft);
  });

  it('reads runtime go1, whose handler defaults to the executable main', () => {
    expect(sYamlToManifest(minimal('name: fn\nruntime: go1'))).toEqual({ ...DEFAULT_MANIFEST, serviceName: 'svc', functionName: 'fn', runtime: 'go1', handler: 'main' });
    expect(sYamlToManifest(minimal('name: fn\nruntime: go1\nhandler: bin/main'))).toMatchObject({ runtime: 'go1', handler: 'bin/main' });
  });

  it('reads an upper-case HTTP trigger and a command written as one string', () => {
    const text = minimal(
      'name: fn\nruntime: custom\ncustomRuntimeConfig:\n  command: ./server --fast',
      '      triggers:\n        - name: t\n          type: HTTP\n          config:\n            authType: ANONYMOUS\n            methods: [get, post]',
    );
    expect(sYamlToManifest(text)).toMatchObject({ runtime: 'custom', command: ['./server', '--fast'], functionType: 'http', httpAuthType: 'anonymous', httpMethods: ['GET', 'POST'] });
  });

  it('refuses text that is not YAML', () => {
    expect(() => sYamlToManifest('services: [unclosed')).toThrow(/not valid YAML/);
  });

  it('refuses YAML that is not a mapping', () => {
    expect(() => sYamlToManifest('just some words')).toThrow(/must be a YAML mapping/);
    expect(() => sYamlToManifest('')).toThrow(/must be a YAML mapping/);
  });

  it('refuses YAML without services, and says so for an edition 3 file', () => {
    expect(() => sYamlToManifest('edition: 1.0.0\nname: x\n')).toThrow(/no `services`/);
    expect(() => sYamlToManifest('edition: 3.0.0\nresources:\n  a:\n    component: fc3\n')).toThrow(/edition 3\.0\.0/);
  });

  it('refuses services that are not the fc component', () => {
    expect(() => sYamlToManifest('services:\n  site:\n    component: website\n    props: {}\n')).toThrow(/component: fc/);
  });

  it('names the field that has the wrong type', () => {
    expect(() => sYamlToManifest(minimal('name: fn\nruntime: nodejs20\nmemorySize: lots'))).toThrow(/services\.app\.props\.function\.memorySize: .*number/);
    expect(() => sYamlToManifest(minimal('name: [a, b]\nruntime: nodejs20'))).toThrow(/props\.function\.name/);
    expect(() => sYamlToManifest(minimal('name: fn\nruntime: nodejs20\nenvironmentVariables:\n  A:\n    nested: 1'))).toThrow(/environmentVariables\.A/);
    expect(() => sYamlToManifest(minimal('name: fn'))).toThrow(/props\.function\.runtime/);
  });

  it('refuses a runtime fnplay does not run, and a trigger method FC does not know', () => {
    expect(() => sYamlToManifest(minimal('name: fn\nruntime: java11'))).toThrow(/function\.runtime: runtime 'java11' is a Function Compute runtime that fnplay does not run \(fnplay runs nodejs20, .*python3\.10/);
    expect(() => sYamlToManifest(minimal('name: fn\nruntime: nodejs6'))).toThrow(/runtime 'nodejs6' is deprecated/);
    expect(() => sYamlToManifest(minimal('name: fn\nruntime: cobol'))).toThrow(/function\.runtime: Runtime is set to an invalid value/);
    const badMethod = minimal('name: fn\nruntime: nodejs20', '      triggers:\n        - type: http\n          config:\n            methods: [FETCH]');
    expect(() => sYamlToManifest(badMethod)).toThrow(/triggers\.0\.config\.methods/);
  });
});
