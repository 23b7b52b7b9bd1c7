import { describe, expect, it } from 'vitest';
import { DEFAULT_MANIFEST } from '../workspace/defaults.ts';
import type { ManifestDraft } from '../workspace/types.ts';
import { resolveField } from './manifest-fields.ts';
import { describeManifestErrors, envRowErrors, validateManifest } from './validate-manifest.ts';

const draft = (patch: Partial<ManifestDraft>): ManifestDraft => ({ ...DEFAULT_MANIFEST, ...patch });

describe('validateManifest', () => {
  it('finds nothing wrong with the default manifest', () => {
    expect(validateManifest(DEFAULT_MANIFEST)).toEqual({});
  });

  it('puts each problem under the field FC names, in words for users', () => {
    expect(
      validateManifest(
        draft({ serviceName: '', functionName: '-x', memorySize: 100, timeout: 0, instanceConcurrency: 101, initializationTimeout: 1.5, preFreezeTimeout: 91, preStopHandler: 'h'.repeat(129) }),
      ),
    ).toEqual({
      serviceName: 'required',
      functionName: 'must contain only letters, digits, _ and -, and not start with a digit or -',
      memorySize: 'must be a multiple of 64 between 128 and 32768',
      timeout: 'must be at least 1',
      instanceConcurrency: 'must be at most 100',
      initializationTimeout: 'must be a whole number',
      'instanceLifecycleConfig.preFreeze.timeout': 'must be at most 90',
      'instanceLifecycleConfig.preStop.handler': 'must be at most 128 characters',
    });
  });

  it('calls an emptied number required, also after a reload turned NaN into null', () => {
    expect(validateManifest(draft({ memorySize: NaN })).memorySize).toBe('required');
    const reloaded = JSON.parse(JSON.stringify(draft({ timeout: NaN }))) as ManifestDraft;
    expect(validateManifest(reloaded).timeout).toBe('required');
  });

  it('checks the listening port only for custom runtimes, which are the only ones that send it', () => {
    expect(validateManifest(draft({ caPort: 0 }))).toEqual({});
    expect(validateManifest(draft({ runtime: 'custom', caPort: 0 }))).toEqual({ caPort: 'must be at least 1' });
  });

  it('checks HTTP methods only for HTTP functions', () => {
    expect(validateManifest(draft({ httpMethods: [] }))).toEqual({});
    expect(validateManifest(draft({ functionType: 'http', httpMethods: [] }))).toEqual({ 'httpTrigger.methods': 'choose at least one' });
  });

  it('reports reserved, malformed and oversized environment variables', () => {
    expect(validateManifest(draft({ environmentVariables: [['FC_X', '1']] })).environmentVariables).toBe("environment variable name 'FC_X' is reserved");
    expect(validateManifest(draft({ environmentVariables: [['1A', '1']] })).environmentVariables).toMatch(/'1A' must match/);
    expect(validateManifest(draft({ environmentVariables: [['BIG', 'x'.repeat(5000)]] })).environmentVariables).toMatch(/at most 4 KB/);
  });

  it('sums up errors in one line with the form labels', () => {
    expect(describeManifestErrors(validateManifest(draft({ memorySize: 100, timeout: 0 })))).toBe(
      'Memory (MB): must be a multiple of 64 between 128 and 32768; Timeout (s): must be at least 1',
    );
  });
});

describe('envRowErrors', () => {
  it('flags a value without a name and a repeated name, and ignores blank rows', () => {
    expect(envRowErrors([['', ''], ['', 'v'], ['A', '1'], ['A', '2'], ['topic', 'x']])).toEqual([
      undefined,
      'variable name is required',
      undefined,
      "duplicate variable name 'A'",
      "environment variable name 'topic' is reserved",
    ]);
  });
});

describe('resolveField', () => {
  it('maps zod paths and deploy error fields to form fields', () => {
    expect(resolveField(['memorySize'])).toBe('memorySize');
    expect(resolveField('function.memorySize')).toBe('memorySize');
    expect(resolveField(['customRuntimeConfig', 'command', 0])).toBe('customRuntimeConfig.command');
    expect(resolveField('customRuntimeConfig')).toBe('customRuntimeConfig.command');
    expect(resolveField('instanceLifecycleConfig.preStop')).toBe('instanceLifecycleConfig.preStop.handler');
    expect(resolveField('zipFile')).toBeNull();
    expect(resolveField([])).toBeNull();
  });
});
