import { create } from 'zustand';

/** Invoke's Async switch: on, Invoke queues the event (202) instead of waiting for the answer. */
interface AsyncSwitchState {
  enabled: boolean;
  /** x-fc-stateful-async-invocation-id: empty lets FC use the request id */
  invocationId: string;
  set(patch: Partial<Omit<AsyncSwitchState, 'set'>>): void;
}

export const useAsyncSwitch = create<AsyncSwitchState>()((set) => ({
  enabled: false,
  invocationId: '',
  set: (patch) => set(patch),
}));
