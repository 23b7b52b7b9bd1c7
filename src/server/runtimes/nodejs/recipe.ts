import type { LaunchContext } from '../index.ts';

/**
 * Modules FC's nodejs18/nodejs20 runtimes ship beside the standard library, requireable without
 * bundling (FC's "Node.js built-in modules" table); installed as fnplay dependencies at FC's versions.
 */
export const NODE_BUILTIN_MODULES = ['co', 'gm', 'ali-oss', 'aliyun-sdk', '@alicloud/fc2', 'tablestore', 'body', 'raw-body', 'ali-mns', '@alicloud/pop-core'];

/** Where the built-in modules resolve from inside the sandbox (NODE_PATH). */
const BUILTINS_IN_SANDBOX = '/var/fc/runtime/nodejs/node_modules';

export function nodejsLaunch({ view, env }: LaunchContext) {
  // In the sandbox only the listed modules are visible on NODE_PATH (links into fnplay's
  // node_modules); without one, fnplay's node_modules serves, with everything else in it.
  const links = view.sandboxed ? NODE_BUILTIN_MODULES.map((m) => ({ target: `${view.nodeModulesDir}/${m}`, at: `${BUILTINS_IN_SANDBOX}/${m}` })) : [];
  return {
    command: view.nodeBinary,
    args: [`${view.runtimesDir}/nodejs/bootstrap.cjs`],
    // NODE_PATH as the instance's env has it (the layers' node_modules, FC's first), then the built-ins.
    env: { ...env, NODE_PATH: [env.NODE_PATH, view.sandboxed ? BUILTINS_IN_SANDBOX : view.nodeModulesDir].filter(Boolean).join(':'), FNPLAY_CA_SOCKET: view.socketPath },
    listen: { kind: 'socket' as const },
    // The bootstrap loads the handler at the first request: the network may come up meanwhile.
    networkBeforeStart: false,
    links,
  };
}

/**
 * Every FC Node.js runtime (nodejs8 … nodejs20) runs on the Node.js that runs fnplay; the bootstrap
 * follows the named version's rules (FC-RUNTIMES §1) but the language and standard library are the
 * local ones. Said in every summary of a version that differs, and once per instance in its log
 * (the bootstrap's line after "runtime inited.").
 */
export function nodejsSummaryNote(runtime: string): string | null {
  const named = parseInt(runtime.slice('nodejs'.length), 10);
  const local = process.versions.node;
  if (named === parseInt(local, 10)) return null;
  return `${runtime} runs on the local Node.js ${local} (FC runs Node.js ${named}): fnplay follows ${runtime}'s handler rules, but the language and standard library are Node.js ${parseInt(local, 10)}'s`;
}
