export { createInvoker, type Invoker, type InvokeRequest, type InvokeResult } from './invoke.ts';
export { createAsyncQueue, type AsyncQueue, type EffectiveAsyncConfig } from './async-queue.ts';
