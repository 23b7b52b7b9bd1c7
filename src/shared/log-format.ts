// FC's log lines, exactly (SPEC §5). Both the service and the UI build and recognise them here.

export const systemLine = {
  invokeStart: (id: string) => `FC Invoke Start RequestId: ${id}`,
  invokeEnd: (id: string, suffix = '') => `FC Invoke End RequestId: ${id}${suffix}`,
  initializeStart: (id: string) => `FC Initialize Start RequestId: ${id}`,
  initializeEnd: (id: string, suffix = '') => `FC Initialize End RequestId: ${id}${suffix}`,
  preFreezeStart: (id: string) => `FC PreFreeze Start RequestId: ${id}`,
  preFreezeEnd: (id: string, suffix = '') => `FC PreFreeze End RequestId: ${id}${suffix}`,
  preStopStart: (id: string) => `FC PreStop Start RequestId: ${id}`,
  preStopEnd: (id: string, suffix = '') => `FC PreStop End RequestId: ${id}${suffix}`,
  runtimeInited: (runtime: string) => `FunctionCompute ${runtime} runtime inited.`,
};

export const HANDLED_SUFFIX = ', Error: Handled function error';
export const UNHANDLED_SUFFIX = ', Error: Unhandled function error';

export function summaryLine(s: { durationMs: number; billedDurationMs: number; memorySizeMB: number; maxMemoryUsedMB: number }) {
  return `Duration: ${s.durationMs.toFixed(2)} ms, Billed Duration: ${s.billedDurationMs} ms, Memory Size: ${s.memorySizeMB} MB, Max Memory Used: ${s.maxMemoryUsedMB.toFixed(2)} MB`;
}

/** `Provisioned Report` for an instance started ahead of traffic (SCF seed 003), `Init Report` otherwise. */
export function initReportLine(id: string, r: { pullCodeMs: number; initRuntimeMs: number; initFunctionMs: number }, label: 'Init' | 'Provisioned' = 'Init') {
  const total = r.pullCodeMs + r.initRuntimeMs + r.initFunctionMs;
  const f = (n: number) => n.toFixed(2);
  return `${label} Report RequestId: ${id} Coldstart: ${f(total)} ms PullCode: ${f(r.pullCodeMs)} ms InitRuntime: ${f(r.initRuntimeMs)} ms InitFunction: ${f(r.initFunctionMs)} ms`;
}

/** `FC <Phase> Start|End RequestId: <id>[suffix]` — the markers the runtimes print around each call. */
/**
 * A line the built-in runtimes write on stderr after each call, never stored or shown: stderr is a
 * pipe of its own, so without it a line the function wrote there could arrive after the End marker
 * on stdout and lose its request. `<NUL>fnplay:end <phase> <requestId>`.
 */
export const STDERR_END_PREFIX = '\u0000fnplay:end ';
export const SYSTEM_MARKER_RE = /^FC (Invoke|Initialize|PreFreeze|PreStop) (Start|End) RequestId: (\S+?)(,.*)?$/;
/** `2020-03-13T04:06:49.099Z <requestId> [INFO] message` */
export const LOGGER_LINE_RE = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z) (\S+) \[(\w+)\] ?/;
export const RUNTIME_INITED_RE = /^FunctionCompute \S+ runtime inited\.$/;
