import type { Scenario } from '../lib/types.ts';
import { coldStart } from './cold-start.ts';
import { warmLatency } from './warm-latency.ts';
import { throughput } from './throughput.ts';
import { scale } from './scale.ts';
import { logs } from './logs.ts';
import { logFlood } from './log-flood.ts';
import { asyncQueue } from './async-queue.ts';
import { ui } from './ui.ts';
import { goRuntime } from './go.ts';
import { container } from './container.ts';
import { pythonRuntime } from './python.ts';
import { qualifier } from './qualifier.ts';
import { provision } from './provision.ts';

/** The scenarios of issue 4, then the log flood of issue 8, the go1 runtime, custom containers, the Python runtime and the qualifiers and provisioning of issue 12, in the order they run. */
export const SCENARIOS: Scenario[] = [coldStart, warmLatency, throughput, scale, logs, asyncQueue, ui, logFlood, goRuntime, container, pythonRuntime, qualifier, provision];
