export { createInvoker, type Invoker, type InvokeRequest, type InvokeResult } from './invoke.ts';
