import type { Route } from './fc-resources.ts';

/** Versions, aliases and provision configs of the FC 2.0 API (FC2-API §5, §5.5). */
export const releaseRoutes: Route[] = [];
