// One load test = a shape + the realistic traffic model + the thresholds + the summary.
import type { Options, Scenario } from 'k6/options';
import { SUMMARY_TREND_STATS, thresholds } from './shapes.ts';
import { summaryFor } from './summary.ts';
import { realisticTraffic, requireHealthyApi } from './traffic.ts';

export function loadTest(name: string, shape: Scenario, gate: Parameters<typeof thresholds>[0] = {}) {
  const options: Options = {
    scenarios: { [name]: shape },
    thresholds: thresholds(gate),
    summaryTrendStats: SUMMARY_TREND_STATS,
  };
  return { options, setup: requireHealthyApi, run: realisticTraffic, handleSummary: summaryFor(name) };
}
