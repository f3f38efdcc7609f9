// A few virtual users for 30 s: does every route answer correctly? Run before anything heavier.
// The cache starts cold here, so there is no hit-rate gate.
//   k6 run k6/smoke.ts                          (against npm run serve on 127.0.0.1:8787)
//   k6 run -e BASE_URL=https://<preview-url> k6/smoke.ts
import { loadTest } from './lib/load-test.ts';
import { smoke } from './lib/shapes.ts';

const test = loadTest('smoke', smoke, { minCacheHitRate: 0 });
export const options = test.options;
export const setup = test.setup;
export default test.run;
export const handleSummary = test.handleSummary;
