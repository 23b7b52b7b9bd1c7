import { create } from 'zustand';
import type { PlaygroundInvokeResponse } from '../../shared/playground-api.ts';

export type ActionError = { action: 'deploy' | 'invoke'; code: string; message: string; field?: string };

/** The state of the current deploy/invoke round; what Result and Execution summary show. */
interface SessionState {
  /** building: an invoke found the code still being built (Go) and waits to try again */
  phase: 'idle' | 'deploying' | 'invoking' | 'building';
  result: PlaygroundInvokeResponse | null;
  error: ActionError | null;
  /** a request picked in History; Result, summary and logs follow it */
  selectedRequestId: string | null;
  set(patch: Partial<Omit<SessionState, 'set'>>): void;
}

export const useSession = create<SessionState>()((set) => ({
  phase: 'idle',
  result: null,
  error: null,
  selectedRequestId: null,
  set: (patch) => set(patch),
}));
