import type { Scenario } from '../lib/types.ts';

/** Events accepted and drained per second: waits for asynchronous invocation, which fnplay does not have yet. */
export const asyncQueue: Scenario = {
  id: '6',
  title: 'Async queue',
  async run() {
    return {
      figures: [],
      notes: ['Skipped: fnplay answers `x-fc-invocation-type: Async` with InvalidArgument (src/server/http/fc-invoke.ts); measure events/s accepted and drained once the async queue exists.'],
      skipped: 'no asynchronous invocation yet',
    };
  },
};
