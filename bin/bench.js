#!/usr/bin/env node
// `npm run bench [-- --quick]`: the benchmark suite in bench/, run through tsx like the service.
import { register } from 'tsx/esm/api';

register();
await import('../bench/run.ts');
