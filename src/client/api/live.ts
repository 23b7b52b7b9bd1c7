import { create } from 'zustand';
import type { AccelerationProgress, AccelerationStatus, InstanceInfo, InstanceState, InvocationRecord, LiveEvent, LogLine } from '../../shared/observe.ts';
import { apiToken } from './client.ts';

const MAX_LINES = 5000;
const MAX_TRANSITIONS = 200;

export interface InstanceTrack {
  info: InstanceInfo;
  /** state changes seen live, oldest first: what the timeline draws */
  transitions: { state: InstanceState; at: number }[];
}

/** Everything the service pushes: log lines, instance states, acceleration, finished invocations. */
interface LiveState {
  connected: boolean;
  lines: LogLine[];
  instances: Record<string, InstanceTrack>;
  acceleration: Record<string, LiveAcceleration>;
  lastInvocation: InvocationRecord | null;
  /** the latest change of an async invocation's state, and how many were seen: the list refetches on one */
  lastAsync: AsyncLiveEvent | null;
  asyncChanges: number;
  /** how many images the service has removed since the page connected: the image list refetches on a change */
  imageRemovals: number;
  apply(e: LiveEvent): void;
  setConnected(c: boolean): void;
  clearLines(): void;
  /** seeds instances fetched over HTTP (those that started before the page connected) */
  seedInstances(list: InstanceInfo[]): void;
}

/** A function's latest acceleration event; `progress` while a container image is pulled or unpacked. */
export interface LiveAcceleration {
  codeChecksum: string;
  status: AccelerationStatus;
  reason: string | null;
  progress: AccelerationProgress | null;
}

export type AsyncLiveEvent = Extract<LiveEvent, { type: 'async' }>;

export const fnKey = (service: string, fn: string) => `${service}/${fn}`;

export const useLive = create<LiveState>()((set) => ({
  connected: false,
  lines: [],
  instances: {},
  acceleration: {},
  lastInvocation: null,
  lastAsync: null,
  asyncChanges: 0,
  imageRemovals: 0,
  apply: (e) =>
    set((s) => {
      switch (e.type) {
        case 'log': {
          const lines = s.lines.length >= MAX_LINES ? [...s.lines.slice(-MAX_LINES + 1), e.line] : [...s.lines, e.line];
          return { lines };
        }
        case 'instance': {
          const prev = s.instances[e.instance.instanceId];
          const transitions = [...(prev?.transitions ?? []), { state: e.instance.state, at: Date.now() }].slice(-MAX_TRANSITIONS);
          return { instances: { ...s.instances, [e.instance.instanceId]: { info: e.instance, transitions } } };
        }
        case 'acceleration':
          return {
            acceleration: {
              ...s.acceleration,
              [fnKey(e.serviceName, e.functionName)]: { codeChecksum: e.codeChecksum, status: e.status, reason: e.reason, progress: e.status === 'Preparing' ? (e.progress ?? null) : null },
            },
          };
        case 'invocation':
          return { lastInvocation: e.record };
        case 'async':
          return { lastAsync: e, asyncChanges: s.asyncChanges + 1 };
        case 'image-removed':
          return { imageRemovals: s.imageRemovals + 1 };
        default:
          return {};
      }
    }),
  setConnected: (connected) => set({ connected }),
  clearLines: () => set({ lines: [] }),
  seedInstances: (list) =>
    set((s) => {
      const instances = { ...s.instances };
      for (const info of list) {
        if (!instances[info.instanceId]) instances[info.instanceId] = { info, transitions: [{ state: info.state, at: Date.parse(info.startedAt) || Date.now() }] };
      }
      return { instances };
    }),
}));

/**
 * One SSE connection for the whole page. EventSource cannot send the token header, so this reads
 * the stream with fetch; it reconnects with a growing delay when the service goes away.
 */
export function connectLive(signal: AbortSignal) {
  let delay = 250;
  const run = async () => {
    while (!signal.aborted) {
      try {
        const res = await fetch('/api/events', { headers: { 'x-fnplay-token': apiToken() }, signal });
        if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
        useLive.getState().setConnected(true);
        delay = 250;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
            if (data && !block.startsWith('event: ready')) useLive.getState().apply(JSON.parse(data) as LiveEvent);
          }
        }
      } catch {
        // the service restarted or the page is leaving: try again below
      }
      useLive.getState().setConnected(false);
      if (signal.aborted) return;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 5000);
    }
  };
  void run();
}
