import { loadTest } from './lib/load-test.ts';
const test = loadTest('quick', { executor: 'constant-arrival-rate', rate: Number(__ENV.RATE || 1000), timeUnit: '1s', duration: __ENV.DUR || '40s', preAllocatedVUs: 100, maxVUs: 1000 });
export const options = test.options;
export const setup = test.setup;
export default test.run;
export const handleSummary = test.handleSummary;
