export { createSandbox, SandboxUnavailable, IN_SANDBOX, startHostPortForwarders, type HostPortForwarders, type Sandbox, type SandboxMode, type SandboxStatus, type SandboxedProcess, type LaunchSpec, type InstanceLimits, type InstanceView, type ExitInfo, type CaAddress } from './sandbox/index.ts';
export { createCaClient } from './channels/ca-client.ts';
export { createJobChannel } from './channels/job.ts';
export { createRuntimeApiServer, type RuntimeApiServer } from './channels/runtime-api.ts';
export { ResponseTooLarge, type CaResponse, type InstanceChannel } from './channels/types.ts';
export { allocatePort, waitForListen } from './ports.ts';
export { recordPid } from './leftovers.ts';
