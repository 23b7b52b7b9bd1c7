#!/usr/bin/env node
// Builds the playground UI only when it is missing or older than its sources (as `npm start` does).
import { register } from 'tsx/esm/api';

register();
const { ensureUiBundle } = await import('../src/server/ui-build.ts');
await ensureUiBundle();
