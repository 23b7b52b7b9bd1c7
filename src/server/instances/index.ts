export { startInstanceProcess, type InstanceProcess, type LaunchSpec, type ExitInfo } from './instance-process.ts';
export { createCaClient, ResponseTooLarge, type CaClient, type CaResponse } from './ca-client.ts';
export { allocatePort, waitForListen } from './ports.ts';
export { treeRssBytes, resetPeak, peakRssBytes } from './process-tree.ts';
export { recordPid, reapLeftovers } from './leftovers.ts';
