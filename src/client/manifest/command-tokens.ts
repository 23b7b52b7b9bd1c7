// The command-line tokens live in src/shared: the s.yaml schema (used by `fnplay deploy` too) splits with them.
export { joinTokens, splitTokens } from '../../shared/command-tokens.ts';
