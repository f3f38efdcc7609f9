// A sudden 5× surge for a minute, then back: does it recover?
//   k6 run k6/spike.ts                          (against npm run serve on 127.0.0.1:8787)
//   k6 run -e BASE_URL=https://<preview-url> k6/spike.ts
import { loadTest } from './lib/load-test.ts';
import { spike } from './lib/shapes.ts';

const test = loadTest('spike', spike);
export const options = test.options;
export const setup = test.setup;
export default test.run;
export const handleSummary = test.handleSummary;
