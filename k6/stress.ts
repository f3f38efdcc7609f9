// Twice the average load for 5 minutes: does the API degrade gracefully?
//   k6 run k6/stress.ts                          (against npm run serve on 127.0.0.1:8787)
//   k6 run -e BASE_URL=https://<preview-url> k6/stress.ts
import { loadTest } from './lib/load-test.ts';
import { stress } from './lib/shapes.ts';

const test = loadTest('stress', stress);
export const options = test.options;
export const setup = test.setup;
export default test.run;
export const handleSummary = test.handleSummary;
