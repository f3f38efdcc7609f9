// Load shapes shared by the scripts: each script picks one and a traffic model.
// Arrival-rate executors wherever throughput is the question: they keep the offered load fixed
// however slow the server gets, so latency under load is measured honestly.
import type { Options, Scenario } from 'k6/options';
import { TARGET_RATE } from './config.ts';

const VUS = { preAllocatedVUs: 50, maxVUs: 500 };

export const smoke: Scenario = { executor: 'constant-vus', vus: 2, duration: '30s' };

export const averageLoad: Scenario = {
  executor: 'ramping-arrival-rate', timeUnit: '1s', startRate: 0, ...VUS,
  stages: [
    { target: TARGET_RATE, duration: '1m' },
    { target: TARGET_RATE, duration: '4m' },
    { target: 0, duration: '30s' },
  ],
};

export const stress: Scenario = {
  executor: 'ramping-arrival-rate', timeUnit: '1s', startRate: 0, ...VUS, maxVUs: 1000,
  stages: [
    { target: TARGET_RATE * 2, duration: '2m' },
    { target: TARGET_RATE * 2, duration: '5m' },
    { target: 0, duration: '1m' },
  ],
};

export const spike: Scenario = {
  executor: 'ramping-arrival-rate', timeUnit: '1s', startRate: TARGET_RATE / 4, ...VUS, maxVUs: 1000,
  stages: [
    { target: TARGET_RATE / 4, duration: '30s' },
    { target: TARGET_RATE * 5, duration: '10s' },
    { target: TARGET_RATE * 5, duration: '1m' },
    { target: TARGET_RATE / 4, duration: '10s' },
    { target: TARGET_RATE / 4, duration: '30s' },
  ],
};

export const soak: Scenario = {
  executor: 'constant-arrival-rate', timeUnit: '1s', rate: TARGET_RATE, ...VUS,
  duration: __ENV.SOAK_DURATION || '1h',
};

/** Raises the rate until a threshold fails (the scripts set abortOnFail), to find the ceiling. */
export const breakpoint: Scenario = {
  executor: 'ramping-arrival-rate', timeUnit: '1s', startRate: 10, preAllocatedVUs: 100, maxVUs: 2000,
  stages: [{ target: Number(__ENV.BREAKPOINT_MAX_RATE || 20000), duration: __ENV.BREAKPOINT_DURATION || '10m' }],
};

/**
 * The pass/fail gate. The targets of the FastAPI guide (p95 < 600 ms, < 1 % errors) are the
 * ceiling; against a local stack the tighter `LOCAL_P95_MS` applies.
 */
export function thresholds(options: { abortOnFail?: boolean; minCacheHitRate?: number } = {}): Options['thresholds'] {
  const abort = options.abortOnFail ? { abortOnFail: true, delayAbortEval: '10s' } : {};
  const p95 = Number(__ENV.P95_MS || 600);
  return {
    http_req_failed: [{ threshold: 'rate<0.01', ...abort }],
    http_req_duration: [{ threshold: `p(95)<${p95}`, ...abort }],
    checks: ['rate>0.99'],
    // Hits must stay cheap whatever the misses do.
    'cache_latency{cache:HIT}': [`p(95)<${Math.min(p95, 100)}`],
    'cache_latency{cache:MISS}': [`p(95)<${p95}`],
    'http_req_duration{route:product}': [`p(95)<${p95}`],
    cache_hit: [`rate>=${options.minCacheHitRate ?? 0.5}`],
  };
}
