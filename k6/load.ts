// Average load: ramp to RATE requests/s (default 200) and hold it for 4 minutes.
//   k6 run k6/load.ts                          (against npm run serve on 127.0.0.1:8787)
//   k6 run -e BASE_URL=https://<preview-url> k6/load.ts
import { loadTest } from './lib/load-test.ts';
import { averageLoad } from './lib/shapes.ts';

const test = loadTest('load', averageLoad);
export const options = test.options;
export const setup = test.setup;
export default test.run;
export const handleSummary = test.handleSummary;
