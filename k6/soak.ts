// The average rate for SOAK_DURATION (default 1 h): leaks and slow drifts show up here.
//   k6 run k6/soak.ts                          (against npm run serve on 127.0.0.1:8787)
//   k6 run -e BASE_URL=https://<preview-url> k6/soak.ts
import { loadTest } from './lib/load-test.ts';
import { soak } from './lib/shapes.ts';

const test = loadTest('soak', soak);
export const options = test.options;
export const setup = test.setup;
export default test.run;
export const handleSummary = test.handleSummary;
