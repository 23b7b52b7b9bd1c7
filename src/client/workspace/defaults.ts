import { ASYNC_DEFAULTS } from '../../shared/async-invocation.ts';
import type { AsyncDraft, HttpRequestDraft, ManifestDraft } from './types.ts';

export const DEFAULT_MANIFEST: ManifestDraft = {
  serviceName: 'playground',
  functionName: 'hello',
  description: '',
  runtime: 'nodejs20',
  handler: 'index.handler',
  functionType: 'event',
  memorySize: 128,
  timeout: 3,
  instanceConcurrency: 1,
  initializer: '',
  initializationTimeout: 3,
  preFreezeHandler: '',
  preFreezeTimeout: 3,
  preStopHandler: '',
  preStopTimeout: 3,
  environmentVariables: [],
  command: [],
  args: [],
  caPort: 9000,
  image: '',
  containerCommand: [],
  containerArgs: [],
  accelerationType: 'Default',
  webServerMode: true,
  instanceID: '',
  httpMethods: ['GET', 'POST'],
  layers: [],
  httpAuthType: 'anonymous',
  asyncConfig: null,
};

/** What turning the async config on starts from: FC's defaults, no destinations, not stateful. */
export const DEFAULT_ASYNC: AsyncDraft = { ...ASYNC_DEFAULTS, onSuccess: '', onFailure: '', statefulInvocation: false };

export const DEFAULT_HTTP_REQUEST: HttpRequestDraft = { method: 'GET', path: '/', query: [], headers: [], body: '' };

export const DEFAULT_FILES = {
  'index.js': {
    executable: false,
    content: `'use strict';

// Runs once per instance, before its first invocation.
// exports.initializer = async (context) => { };

exports.handler = async (event, context) => {
  context.logger.info('event:', event.toString());
  return { message: 'hello from fnplay', requestId: context.requestId };
};

// Runs once before the instance is frozen (after its last in-flight request).
// exports.preFreeze = async (context) => { };

// Runs once before the instance is stopped (idle reclaim, update, delete).
// exports.preStop = async (context) => { };
`,
  },
};
