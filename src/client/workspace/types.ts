import type { Runtime } from '../../shared/function-config.ts';

export interface WorkspaceFile {
  content: string;
  /** the unix exec bit, kept through zip import/export (a custom runtime's bootstrap needs it) */
  executable: boolean;
}

export type FunctionType = 'event' | 'http';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD' | 'PATCH' | 'OPTIONS';

/** The manifest as the form edits it; converted to FC's function fields on deploy. */
export interface ManifestDraft {
  serviceName: string;
  functionName: string;
  description: string;
  runtime: Runtime;
  handler: string;
  functionType: FunctionType;
  memorySize: number;
  timeout: number;
  instanceConcurrency: number;
  initializer: string;
  initializationTimeout: number;
  preFreezeHandler: string;
  preFreezeTimeout: number;
  preStopHandler: string;
  preStopTimeout: number;
  environmentVariables: [string, string][];
  /** custom runtimes: the start command and its args */
  command: string[];
  args: string[];
  caPort: number;
  /** custom-container: the image to run and how (FC's customContainerConfig) */
  image: string;
  /** the image's start command and args as words; [] runs the image's own ENTRYPOINT / CMD */
  containerCommand: string[];
  containerArgs: string[];
  accelerationType: 'Default' | 'None';
  webServerMode: boolean;
  /** ACR Enterprise Edition's instance id: kept and sent back, nothing else uses it here */
  instanceID: string;
  httpMethods: HttpMethod[];
  /** layer version ARNs, merged under /opt in this order: the first one's file wins */
  layers: string[];
  httpAuthType: 'anonymous' | 'function';
  /** FC's async invoke config at LATEST (s.yaml's asyncConfiguration); null: the function has none */
  asyncConfig: AsyncDraft | null;
}

/** The async config as the form edits it; deploy PUTs it after the function, or DELETEs it when null. */
export interface AsyncDraft {
  maxAsyncRetryAttempts: number;
  maxAsyncEventAgeInSeconds: number;
  /** function ARNs (`acs:fc:<region>:<account>:services/<s>[.<q>]/functions/<f>`); '' for none */
  onSuccess: string;
  onFailure: string;
  statefulInvocation: boolean;
}

export interface HttpRequestDraft {
  method: HttpMethod;
  path: string;
  query: [string, string][];
  headers: [string, string][];
  body: string;
}
