// The last step of preparation: does the extracted code contain what the runtime will start?
// Answering here turns a cold-start crash into a reason the user sees next to the function.
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isCustomRuntime } from '../../shared/function-config.ts';
import type { ZipItem } from './zip-index.ts';

export interface PrepareCheck {
  runtime: string;
  handler: string;
  customCommand?: string[];
}

/** null when the entry point is there, else the reason it is not. */
export async function checkEntryPoint(dir: string, check: PrepareCheck): Promise<string | null> {
  const { runtime } = check;
  if (runtime.startsWith('nodejs')) return checkNodeHandler(dir, check.handler);
  if (runtime.startsWith('python')) return checkPythonHandler(dir, check.handler);
  if (startsBootstrap(check)) return checkBootstrap(dir);
  // A customCommand may name anything on the PATH; other runtimes check themselves at start.
  return null;
}

/**
 * What the zip's index alone proves can never start, refused at upload: a custom runtime's
 * bootstrap that is a directory (listed, implied by entries beneath it, or reached by a symlink).
 * A missing or non-executable bootstrap stays a start error, as on FC (seeds/000 §7.3).
 */
export function checkZipEntryPoint(items: ZipItem[], check: PrepareCheck): string | null {
  if (!startsBootstrap(check)) return null;
  const kinds = new Map<string, ZipItem['kind'] | 'implied'>();
  const links = new Map<string, string>();
  for (const item of items) {
    kinds.set(item.path, item.kind);
    if (item.kind === 'symlink') links.set(item.path, item.target);
    const parts = item.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!kinds.has(parent)) kinds.set(parent, 'implied');
    }
  }
  let path = 'bootstrap';
  // Links were proven to stay inside the tree (zip-tree.ts); 40 hops is where Linux gives up.
  for (let hops = 0; hops < 40 && links.has(path); hops++) {
    path = posix.normalize(posix.join(posix.dirname(path), links.get(path)!)).replace(/(.)\/+$/, '$1');
  }
  const kind = kinds.get(path);
  return kind === 'dir' || kind === 'implied' || path === '.'
    ? 'bootstrap is a directory: a custom runtime starts the executable file named bootstrap at the root of the code (or set customRuntimeConfig.command)'
    : null;
}

/** A custom runtime without a command starts /code/bootstrap. */
export const startsBootstrap = (check: PrepareCheck) => isCustomRuntime(check.runtime) && !check.customCommand?.length;

async function checkNodeHandler(dir: string, handler: string): Promise<string | null> {
  const split = splitHandler(handler, 'index.handler');
  if (typeof split === 'string') return split;
  const { file } = split;
  // What require()/import would accept for the handler's file part.
  const candidates = [`${file}.js`, `${file}.mjs`, `${file}.cjs`, `${file}/index.js`, `${file}/index.mjs`, `${file}/index.cjs`];
  for (const candidate of candidates) if (await isFile(join(dir, candidate))) return null;
  return `handler '${handler}' needs ${file}.js, ${file}.mjs, ${file}.cjs or ${file}/index.js in the code, found none`;
}

async function checkPythonHandler(dir: string, handler: string): Promise<string | null> {
  const split = splitHandler(handler, 'index.handler');
  if (typeof split === 'string') return split;
  // Python imports 'pkg.mod' from pkg/mod.py (or the package pkg/mod/__init__.py).
  const module = split.file.replaceAll('.', '/');
  if (await isFile(join(dir, `${module}.py`))) return null;
  if (await isFile(join(dir, module, '__init__.py'))) return null;
  return `handler '${handler}' needs ${module}.py in the code, found none`;
}

async function checkBootstrap(dir: string): Promise<string | null> {
  const info = await stat(join(dir, 'bootstrap')).catch(() => null);
  if (!info) return 'bootstrap not found: a custom runtime starts the executable file named bootstrap at the root of the code';
  if (!info.isFile()) return 'bootstrap is not a file: a custom runtime starts the executable file named bootstrap at the root of the code';
  const mode = (info.mode & 0o777).toString(8);
  if ((info.mode & 0o111) === 0) return `bootstrap is not executable (mode ${mode}): chmod 755 bootstrap before zipping`;
  return null;
}

/** 'dir/file.export' at the last dot; a reason string when the handler cannot name a file. */
function splitHandler(handler: string, example: string): { file: string; exported: string } | string {
  const dot = handler.lastIndexOf('.');
  const file = handler.slice(0, dot);
  const exported = handler.slice(dot + 1);
  if (dot <= 0 || exported === '') return `handler '${handler}' must look like file.function, e.g. ${example}`;
  const normalized = posix.normalize(file);
  if (posix.isAbsolute(file) || normalized === '..' || normalized.startsWith('../')) {
    return `handler '${handler}' names a file outside the code directory`;
  }
  return { file: normalized, exported };
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ?? false;
}
