import { RUNTIMES, type Runtime } from '../../shared/function-config.ts';

/**
 * What a runtime expects in the manifest's name fields: the handler (a Node.js module export, a
 * Python function, a Go executable) and how hooks are named. The form's placeholders, the handler
 * a runtime switch fills in and the s.yaml import's default for a missing handler all come from here.
 */
export interface RuntimeNaming {
  group: string;
  handler: string;
  initializer: string;
  preFreeze: string;
  preStop: string;
}

/**
 * A runtime family: which names belong to it (by prefix, so a name that appears in RUNTIMES later
 * lands in its family without a change here) and its names. In the order the form lists them.
 */
interface RuntimeFamily extends RuntimeNaming {
  matches(runtime: string): boolean;
  /** list its runtimes newest first (nodejs20 … nodejs8, python3.10, python3.9, python3) */
  newestFirst?: boolean;
}

const FAMILIES: readonly RuntimeFamily[] = [
  { group: 'Node.js', matches: (r) => r.startsWith('nodejs'), newestFirst: true, handler: 'index.handler', initializer: 'index.initializer', preFreeze: 'index.preFreeze', preStop: 'index.preStop' },
  // FC's Python hooks are snake_case module functions: initialize(context), pre_freeze(context), pre_stop(context).
  { group: 'Python', matches: (r) => r.startsWith('python'), newestFirst: true, handler: 'index.handler', initializer: 'index.initialize', preFreeze: 'index.pre_freeze', preStop: 'index.pre_stop' },
  // A Go handler is the executable's name; hooks are the functions registered with fc.Register…Function,
  // and FC only calls one whose field is set, whatever the name says.
  { group: 'Go', matches: (r) => r.startsWith('go'), newestFirst: true, handler: 'main', initializer: 'initialize', preFreeze: 'preFreeze', preStop: 'preStop' },
  // A container's server serves fixed paths (/invoke, /initialize, /pre-freeze, /pre-stop): FC
  // requires a handler and calls a hook whose field is set, whatever the names say.
  // (Before `custom`, whose prefix it shares.)
  { group: 'Custom container', matches: (r) => r === 'custom-container', handler: 'index.handler', initializer: 'initialize', preFreeze: 'preFreeze', preStop: 'preStop' },
  // FC requires a handler even where a custom runtime ignores it; hooks are paths its server serves.
  { group: 'Custom runtime', matches: (r) => r === 'custom' || r.startsWith('custom.'), handler: 'index.handler', initializer: 'index.initializer', preFreeze: 'index.preFreeze', preStop: 'index.preStop' },
];
/** The form's order of groups; Custom container is matched before Custom runtime but listed after it. */
const GROUP_ORDER = ['Node.js', 'Python', 'Go', 'Custom runtime', 'Custom container'];
// A name no family claims (a new language) is still listed, and gets FC's usual module.function names.
const OTHER: RuntimeFamily = { group: 'Other', matches: () => true, handler: 'index.handler', initializer: 'index.initializer', preFreeze: 'index.preFreeze', preStop: 'index.preStop' };

const familyOf = (runtime: string) => FAMILIES.find((f) => f.matches(runtime)) ?? OTHER;

export function namingOf(runtime: string): RuntimeNaming {
  const { group, handler, initializer, preFreeze, preStop } = familyOf(runtime);
  return { group, handler, initializer, preFreeze, preStop };
}

/** The group a runtime is listed under, in the runtime list and the template picker alike. */
export const groupOf = (runtime: string) => familyOf(runtime).group;

export const defaultHandlerOf = (runtime: string) => namingOf(runtime).handler;

/** The numbers in a runtime's name, for ordering versions: python3.10 → [3, 10], nodejs8 → [8]. */
const versionOf = (runtime: string) => (runtime.match(/\d+/g) ?? []).map(Number);
function newerFirst(a: string, b: string) {
  const va = versionOf(a);
  const vb = versionOf(b);
  for (let i = 0; i < Math.max(va.length, vb.length); i++) {
    // a missing part is older: python3 (FC's Python 3.6) after python3.9
    const d = (vb[i] ?? -1) - (va[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

export interface RuntimeGroup<R extends string = Runtime> {
  group: string;
  options: [R, string][];
}

/**
 * The runtimes the service accepts (RUNTIMES, or a list given for a test) in the form's groups:
 * groups in their fixed order, versioned families newest first, others in the list's order.
 */
export function runtimeGroups<R extends string = Runtime>(runtimes: readonly R[] = RUNTIMES as readonly string[] as readonly R[]): RuntimeGroup<R>[] {
  const groups = new Map<string, R[]>();
  for (const runtime of runtimes) {
    const group = groupOf(runtime);
    groups.set(group, [...(groups.get(group) ?? []), runtime]);
  }
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  return [...groups]
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([group, names]) => ({
      group,
      options: (familyOf(names[0]!).newestFirst ? [...names].sort(newerFirst) : names).map((r): [R, string] => [r, r]),
    }));
}

/**
 * What differs in how a runtime runs the same kind of code, said where the runtime is chosen:
 * FC's Node.js 16 and earlier take the answer from the callback only, and load no ES modules.
 */
export function runtimeNote(runtime: string): string | undefined {
  const node = /^nodejs(\d+)$/.exec(runtime);
  if (node && Number(node[1]) <= 16) {
    return `${runtime} answers through the callback: exports.handler = (event, context, callback) => callback(null, result). What an async handler resolves to is ignored (the call ends without a result), and ES modules (.mjs, "type": "module") need nodejs18 or later.`;
  }
  return undefined;
}

/**
 * The handler after a runtime switch: the new runtime's default when the old one was in place
 * (or nothing was typed), else what the user typed.
 */
export function handlerAfterSwitch(handler: string, from: string, to: string): string {
  return handler.trim() === '' || handler === defaultHandlerOf(from) ? defaultHandlerOf(to) : handler;
}
