import { isContainerRuntime, isCustomRuntime, RUNTIMES, type Runtime } from '../../shared/function-config.ts';

/**
 * What a runtime expects in the manifest's name fields: the handler (a Node.js module export, a
 * Go executable) and how hooks are named. The form's placeholders, the handler a runtime switch
 * fills in and the s.yaml import's default for a missing handler all come from here.
 */
interface RuntimeNaming {
  group: string;
  handler: string;
  initializer: string;
  preFreeze: string;
  preStop: string;
}

const NODE: RuntimeNaming = { group: 'Node.js', handler: 'index.handler', initializer: 'index.initializer', preFreeze: 'index.preFreeze', preStop: 'index.preStop' };
// FC requires a handler even where a custom runtime ignores it; hooks are paths its server serves.
const CUSTOM: RuntimeNaming = { group: 'Custom runtime', handler: 'index.handler', initializer: 'index.initializer', preFreeze: 'index.preFreeze', preStop: 'index.preStop' };
// A Go handler is the executable's name; hooks are the functions registered with fc.Register…Function,
// and FC only calls one whose field is set, whatever the name says.
// A container's server serves fixed paths (/invoke, /initialize, /pre-freeze, /pre-stop): FC
// requires a handler and calls a hook whose field is set, whatever the names say.
const CONTAINER: RuntimeNaming = { group: 'Custom container', handler: 'index.handler', initializer: 'initialize', preFreeze: 'preFreeze', preStop: 'preStop' };
const GO: RuntimeNaming = { group: 'Go', handler: 'main', initializer: 'initialize', preFreeze: 'preFreeze', preStop: 'preStop' };

export function namingOf(runtime: string): RuntimeNaming {
  if (runtime === 'go1') return GO;
  if (isContainerRuntime(runtime)) return CONTAINER;
  return isCustomRuntime(runtime) ? CUSTOM : NODE;
}

export const defaultHandlerOf = (runtime: string) => namingOf(runtime).handler;

/** RUNTIMES in the form's groups, in their order there. */
export function runtimeGroups(): { group: string; options: [Runtime, string][] }[] {
  const groups: { group: string; options: [Runtime, string][] }[] = [];
  for (const runtime of RUNTIMES) {
    const { group } = namingOf(runtime);
    let entry = groups.find((g) => g.group === group);
    if (!entry) groups.push((entry = { group, options: [] }));
    entry.options.push([runtime, runtime]);
  }
  return groups;
}

/**
 * The handler after a runtime switch: the new runtime's default when the old one was in place
 * (or nothing was typed), else what the user typed.
 */
export function handlerAfterSwitch(handler: string, from: string, to: string): string {
  return handler.trim() === '' || handler === defaultHandlerOf(from) ? defaultHandlerOf(to) : handler;
}
