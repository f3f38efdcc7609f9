// Raises the arrival rate until p95 or the error rate breaks its threshold, then stops
// (abortOnFail): the last rate reached is the ceiling. Run it against npm run serve or a
// preview, never production.
//   k6 run -e BREAKPOINT_MAX_RATE=5000 k6/breakpoint.ts
import { loadTest } from './lib/load-test.ts';
import { breakpoint } from './lib/shapes.ts';

const test = loadTest('breakpoint', breakpoint, { abortOnFail: true });
export const options = test.options;
export const setup = test.setup;
export default test.run;
export const handleSummary = test.handleSummary;
