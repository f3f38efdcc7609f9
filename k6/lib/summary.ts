// handleSummary: the whole summary as JSON in the results folder, and a compact table on stdout.

import { RESULTS_DIR, RUN_STAMP } from './config.ts';
import { CACHE_OUTCOMES, ROUTES } from './traffic.ts';

interface MetricSummary {
  type: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

interface SummaryData {
  metrics: Record<string, MetricSummary>;
  state: { testRunDurationMs: number };
}

const fixed = (value: number | undefined, digits = 1) => (value === undefined ? '-' : value.toFixed(digits));

function table(script: string, data: SummaryData): string {
  const lines = [`\n${script}: ${Math.round(data.state.testRunDurationMs / 1000)} s`];
  const rows: Array<[string, string]> = [];
  const metric = (name: string) => data.metrics[name]?.values;
  rows.push(['requests/s', fixed(metric('http_reqs')?.rate)]);
  rows.push(['failed', `${fixed((metric('http_req_failed')?.rate ?? 0) * 100, 2)} %`]);
  rows.push(['checks', `${fixed((metric('checks')?.rate ?? 0) * 100, 2)} %`]);
  rows.push(['cache hit', `${fixed((metric('cache_hit')?.rate ?? 0) * 100, 1)} %`]);
  for (const name of ['http_req_duration', 'cache_latency{cache:HIT}', 'cache_latency{cache:MISS}']) {
    const values = metric(name);
    if (values) rows.push([name, `p50 ${fixed(values.med)} ms · p95 ${fixed(values['p(95)'])} ms · p99 ${fixed(values['p(99)'])} ms · max ${fixed(values.max)} ms`]);
  }
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(20)} ${value}`);
  const mix = (route: string) => CACHE_OUTCOMES
    .map((cache) => `${cache} ${metric(`cache_outcomes{route:${route},cache:${cache}}`)?.count ?? 0}`).join(' · ');
  for (const route of ROUTES) {
    if (data.metrics[`cache_outcomes{route:${route},cache:HIT}`]) lines.push(`  ${`X-Cache ${route}`.padEnd(20)} ${mix(route)}`);
  }
  for (const route of ROUTES) {
    const miss = metric(`cache_latency{route:${route},cache:MISS}`);
    if (miss && (miss.max ?? 0) > 0) lines.push(`  ${`MISS ${route}`.padEnd(20)} p50 ${fixed(miss.med)} ms · p95 ${fixed(miss['p(95)'])} ms · p99 ${fixed(miss['p(99)'])} ms`);
  }
  const failed = Object.entries(data.metrics).flatMap(([name, m]) =>
    Object.entries(m.thresholds ?? {}).filter(([, t]) => !t.ok).map(([expression]) => `${name}: ${expression}`));
  lines.push(failed.length ? `  thresholds FAILED: ${failed.join('; ')}` : '  thresholds: all passed');
  return `${lines.join('\n')}\n`;
}

/** Use as `export const handleSummary = summaryFor('load');`. */
export function summaryFor(script: string) {
  return (data: SummaryData): Record<string, string> => ({
    [`${RESULTS_DIR}/${script}-${RUN_STAMP}.json`]: JSON.stringify(data, null, 2),
    stdout: table(script, data),
  });
}
