export { createLiveHub, type LiveHub } from './live-hub.ts';
export { createLogBus, logTail, type LogBus, type NewLogLine } from './log-bus.ts';
export { createInstanceLog, type InstanceLog } from './instance-log.ts';
