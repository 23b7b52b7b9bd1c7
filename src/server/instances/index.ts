export { createSandbox, SandboxUnavailable, IN_SANDBOX, startHostPortForwarders, type HostPortForwarders, type Sandbox, type SandboxMode, type SandboxStatus, type SandboxedProcess, type LaunchSpec, type InstanceLimits, type InstanceView, type ExitInfo, type CaAddress } from './sandbox/index.ts';
export { createCaClient, ResponseTooLarge, type CaClient, type CaResponse } from './ca-client.ts';
export { allocatePort, waitForListen } from './ports.ts';
export { recordPid } from './leftovers.ts';
