import { create } from 'zustand';
import type { PlaygroundInvokeResponse } from '../../shared/playground-api.ts';

/** `detail` replaces the usual note on what happened (a deploy whose async config was refused did deploy the function). */
export type ActionError = { action: 'deploy' | 'invoke'; code: string; message: string; field?: string; detail?: string };

/** An async invoke's 202: the request id, and the invocation id when it is stateful. */
export interface AsyncAcceptance {
  requestId: string;
  invocationId: string | null;
  qualifier: string;
}

/** The state of the current deploy/invoke round; what Result and Execution summary show. */
interface SessionState {
  /** building: an invoke found the code still being built (Go) and waits to try again */
  phase: 'idle' | 'deploying' | 'invoking' | 'building';
  result: PlaygroundInvokeResponse | null;
  /** the last invoke was async: it was accepted, and runs later (Async invocations follows it) */
  accepted: AsyncAcceptance | null;
  error: ActionError | null;
  /** a request picked in History; Result, summary and logs follow it */
  selectedRequestId: string | null;
  set(patch: Partial<Omit<SessionState, 'set'>>): void;
}

export const useSession = create<SessionState>()((set) => ({
  phase: 'idle',
  result: null,
  accepted: null,
  error: null,
  selectedRequestId: null,
  set: (patch) => set(patch),
}));
