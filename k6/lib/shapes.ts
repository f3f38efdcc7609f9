// Load shapes shared by the scripts: each script picks one and a traffic model.
// Arrival-rate executors wherever throughput is the question: they keep the offered load fixed
// however slow the server gets, so latency under load is measured honestly.
import type { Options, Scenario } from 'k6/options';
import { BASE_URL, TARGET_RATE } from './config.ts';
import { CACHE_OUTCOMES, ROUTES } from './traffic.ts';

/**
 * VUs made before the run for a shape peaking at `peakRate` iterations/s: one per iteration a
 * second, so a second-long slowdown of the API shows as latency, not as requests k6 never sent
 * because it was busy creating VUs mid-run (that measures k6, not the API). An idle VU costs
 * memory, not CPU.
 */
const vusFor = (peakRate: number) => ({
  preAllocatedVUs: Math.max(100, peakRate),
  maxVUs: Math.max(1000, peakRate * 2),
});
/** Arrival rates are whole iterations per time unit. */
const rate = (multiple: number) => Math.max(1, Math.round(TARGET_RATE * multiple));

export const smoke: Scenario = { executor: 'constant-vus', vus: 2, duration: '30s' };

export const averageLoad: Scenario = {
  executor: 'ramping-arrival-rate',
  timeUnit: '1s',
  startRate: 0,
  ...vusFor(rate(1)),
  stages: [
    { target: rate(1), duration: '1m' },
    { target: rate(1), duration: '4m' },
    { target: 0, duration: '30s' },
  ],
};

export const stress: Scenario = {
  executor: 'ramping-arrival-rate',
  timeUnit: '1s',
  startRate: 0,
  ...vusFor(rate(2)),
  stages: [
    { target: rate(2), duration: '2m' },
    { target: rate(2), duration: '5m' },
    { target: 0, duration: '1m' },
  ],
};

export const spike: Scenario = {
  executor: 'ramping-arrival-rate',
  timeUnit: '1s',
  startRate: rate(0.25),
  ...vusFor(rate(5)),
  stages: [
    { target: rate(0.25), duration: '30s' },
    { target: rate(5), duration: '10s' },
    { target: rate(5), duration: '1m' },
    { target: rate(0.25), duration: '10s' },
    { target: rate(0.25), duration: '30s' },
  ],
};

export const soak: Scenario = {
  executor: 'constant-arrival-rate',
  timeUnit: '1s',
  rate: rate(1),
  ...vusFor(rate(1)),
  duration: __ENV.SOAK_DURATION || '1h',
};

/** Where the breakpoint ramp ends; it aborts long before on any machine this runs on. */
const BREAKPOINT_MAX_RATE = Number(__ENV.BREAKPOINT_MAX_RATE || 3000);

/** Raises the rate until a threshold fails (the scripts set abortOnFail), to find the ceiling. */
export const breakpoint: Scenario = {
  // Not vusFor(max): the run aborts near the ceiling, long before the max, and making thousands
  // of VUs up front costs k6 the CPU the API needs in the first seconds.
  executor: 'ramping-arrival-rate',
  timeUnit: '1s',
  startRate: 10,
  preAllocatedVUs: 500,
  maxVUs: BREAKPOINT_MAX_RATE,
  stages: [{ target: BREAKPOINT_MAX_RATE, duration: __ENV.BREAKPOINT_DURATION || '10m' }],
};

/** p99 too: the summary JSON (and BENCHMARKS.md) reports it. */
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'];

const isLocal = /^https?:\/\/(127\.|localhost|\[::1\])/.test(BASE_URL);

/**
 * The pass/fail gate. The targets of the FastAPI guide (p95 < 600 ms, < 1 % errors) are the
 * ceiling for a preview; against the local stack (no network in between) p95 must stay under
 * 100 ms. `-e P95_MS=…` overrides either.
 */
export function thresholds(options: { abortOnFail?: boolean; minCacheHitRate?: number } = {}): Options['thresholds'] {
  const abort = options.abortOnFail ? { abortOnFail: true, delayAbortEval: '10s' } : {};
  const p95 = Number(__ENV.P95_MS || (isLocal ? 100 : 600));
  return {
    http_req_failed: [{ threshold: 'rate<0.01', ...abort }],
    http_req_duration: [{ threshold: `p(95)<${p95}`, ...abort }],
    checks: ['rate>0.99'],
    // Hits must stay cheap whatever the misses do.
    'cache_latency{cache:HIT}': [`p(95)<${Math.min(p95, 100)}`],
    'cache_latency{cache:MISS}': [`p(95)<${p95}`],
    'http_req_duration{route:product}': [`p(95)<${p95}`],
    cache_hit: [`rate>=${options.minCacheHitRate ?? 0.5}`],
    // Out of VUs means the offered rate was not sent: the result would flatter the API.
    dropped_iterations: [{ threshold: 'count<1', ...abort }],
    // Not gates: they make k6 keep each route's X-Cache mix in the summary.
    ...Object.fromEntries(
      ROUTES.flatMap((route) =>
        CACHE_OUTCOMES.map((cache) => [`cache_outcomes{route:${route},cache:${cache}}`, ['count>=0']]),
      ),
    ),
    // And each route's miss latency, which tells which origin query sets the MISS tail.
    ...Object.fromEntries(ROUTES.map((route) => [`cache_latency{route:${route},cache:MISS}`, ['max>=0']])),
  };
}
