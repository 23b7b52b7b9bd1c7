// Checks the tree a zip describes as a whole: no path claimed twice, nothing stored beneath a
// file or a symlink, and no symlink that resolves outside the code directory, even by way of
// another symlink ('a/b' -> '..' makes 'a/c' -> 'b/..' leave the tree though it reads as 'a').
import { posix } from 'node:path';
import { CodeError } from './code-error.ts';
import type { ZipItem } from './zip-index.ts';

// Linux gives up after 40 links too (ELOOP).
const MAX_HOPS = 40;

export function checkTree(items: ZipItem[]): void {
  const kinds = new Map<string, ZipItem['kind']>();
  const links = new Map<string, string>();
  for (const item of items) {
    const seen = kinds.get(item.path);
    // Zips often list a directory again when it was added twice; that is harmless.
    if (seen && !(seen === 'dir' && item.kind === 'dir')) {
      throw new CodeError(`code zip has more than one entry for '${item.path}'`);
    }
    kinds.set(item.path, item.kind);
    if (item.kind === 'symlink') links.set(item.path, item.target);
  }
  for (const path of kinds.keys()) {
    for (const parent of ancestors(path)) {
      const kind = kinds.get(parent);
      // Extraction would otherwise write through the link (or fail on the file) instead of
      // creating a directory there.
      if (kind === 'file' || kind === 'symlink') {
        throw new CodeError(`code zip entry '${path}' lies beneath the ${kind} '${parent}'`);
      }
    }
  }
  for (const [path, target] of links) {
    if (!staysInside(path, target, links)) {
      throw new CodeError(`code zip symlink '${path}' -> '${target}' points outside the code directory`);
    }
  }
}

function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Walks the target one segment at a time the way the kernel would, following links in the zip. */
function staysInside(linkPath: string, target: string, links: Map<string, string>): boolean {
  const at: string[] = posix.dirname(linkPath) === '.' ? [] : posix.dirname(linkPath).split('/');
  const todo = target.split('/').reverse(); // a stack: next segment last
  let hops = 0;
  while (todo.length > 0) {
    const segment = todo.pop()!;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (at.length === 0) return false;
      at.pop();
      continue;
    }
    at.push(segment);
    const next = links.get(at.join('/'));
    if (next === undefined) continue;
    // A loop never reaches outside; the kernel will answer ELOOP when the code uses it.
    if (++hops > MAX_HOPS) return true;
    at.pop();
    todo.push(...next.split('/').reverse());
  }
  return true;
}
