// handleSummary: the whole summary as JSON in the results folder, and a compact table on stdout.

import { RESULTS_DIR, RUN_STAMP } from './config.ts';
import { CACHE_OUTCOMES, ROUTES } from './traffic.ts';

export interface MetricSummary {
  type: string;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
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
  // Rows for what the script recorded: the stampede reads no X-Cache mix, and has its own rate.
  const cacheHit = metric('cache_hit');
  if (cacheHit && (cacheHit.passes ?? 0) + (cacheHit.fails ?? 0) > 0)
    rows.push(['cache hit', `${fixed((cacheHit.rate ?? 0) * 100, 1)} %`]);
  const stampedeMiss = metric('stampede_miss');
  if (stampedeMiss?.rate !== undefined)
    rows.push(['stampede miss', `${fixed(stampedeMiss.rate * 100, 2)} % of reads answered by the database`]);
  const latency = (values: Record<string, number>) =>
    `p50 ${fixed(values.med)} ms · p95 ${fixed(values['p(95)'])} ms · p99 ${fixed(values['p(99)'])} ms`;
  // The stampede gates its measured rounds only (its first round opens connections).
  for (const name of [
    'http_req_duration',
    'http_req_duration{phase:stampede}',
    'cache_latency{cache:HIT}',
    'cache_latency{cache:MISS}',
  ]) {
    const values = metric(name);
    if (values && (values.max ?? 0) > 0) rows.push([name, `${latency(values)} · max ${fixed(values.max)} ms`]);
  }
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(20)} ${value}`);
  const count = (route: string, cache: string) => metric(`cache_outcomes{route:${route},cache:${cache}}`)?.count ?? 0;
  for (const route of ROUTES) {
    if (CACHE_OUTCOMES.some((cache) => count(route, cache) > 0)) {
      lines.push(
        `  ${`X-Cache ${route}`.padEnd(20)} ${CACHE_OUTCOMES.map((cache) => `${cache} ${count(route, cache)}`).join(' · ')}`,
      );
    }
  }
  for (const route of ROUTES) {
    const miss = metric(`cache_latency{route:${route},cache:MISS}`);
    if (miss && (miss.max ?? 0) > 0) lines.push(`  ${`MISS ${route}`.padEnd(20)} ${latency(miss)}`);
  }
  const failed = Object.entries(data.metrics).flatMap(([name, m]) =>
    Object.entries(m.thresholds ?? {})
      .filter(([, t]) => !t.ok)
      .map(([expression]) => `${name}: ${expression}`),
  );
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
