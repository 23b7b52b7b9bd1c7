/** Monaco language ids by file name: what each workspace file is highlighted as. */
const BY_EXTENSION: Record<string, string> = {
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'typescript',
  json: 'json',
  py: 'python',
  go: 'go',
  sh: 'shell',
  bash: 'shell',
  yaml: 'yaml',
  yml: 'yaml',
  md: 'markdown',
  txt: 'plaintext',
};

export function languageOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  // A custom runtime's entry point has no extension but is (almost always) a shell script.
  if (name === 'bootstrap') return 'shell';
  if (name === 'Dockerfile' || name === 'Containerfile' || name.endsWith('.Dockerfile')) return 'dockerfile';
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'plaintext';
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? 'plaintext';
}
