// Many virtual users hit freshly invalidated keys at the same moment. Each round, one write
// invalidates a product (and its lists and the stats), then every VU requests those keys at
// once: the cache must answer all of them while the database computes each key once.
//   k6 run -e API_TOKEN=<token> k6/stampede.ts
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { API_TOKEN, BASE_URL } from './lib/config.ts';
import { SUMMARY_TREND_STATS, thresholds } from './lib/shapes.ts';
import { summaryFor } from './lib/summary.ts';
import { requireHealthyApi } from './lib/traffic.ts';

const VUS = Number(__ENV.VUS || 200);
const ROUNDS = Number(__ENV.ROUNDS || 10);
/** Share of a round's reads that the database answered: ideally one per key. */
const stampedeMiss = new Rate('stampede_miss');

export const options: Options = {
  scenarios: {
    // Every VU starts each iteration together: per-vu-iterations with no think time, synchronized by the round's write.
    stampede: { executor: 'per-vu-iterations', vus: VUS, iterations: ROUNDS, maxDuration: '5m' },
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
  thresholds: {
    ...thresholds({ minCacheHitRate: 0 }),
    stampede_miss: ['rate<0.05'],
  },
};

export function setup(): void {
  requireHealthyApi();
  if (!API_TOKEN) throw new Error('stampede.ts invalidates keys with a write: pass -e API_TOKEN=<token> (see .dev.vars locally).');
}

export default function (): void {
  const round = exec.vu.iterationInScenario;
  const productId = 1 + (round % 20);
  // VU 1 invalidates; the others wait out the write, then all read at once.
  if (exec.vu.idInTest === 1) {
    const write = http.patch(`${BASE_URL}/api/products/${productId}`, JSON.stringify({ stock: round }), {
      headers: { Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' },
      tags: { route: 'write', name: 'write' },
    });
    check(write, { 'invalidating write: 200': (r) => r.status === 200 });
  }
  // Align every VU on the next whole second, so the reads land together.
  sleep((1000 - (Date.now() % 1000)) / 1000);
  // Only status and headers are checked: bodies are not turned into strings (k6's costliest step,
  // and k6 shares the machine's cores with the API when both run locally).
  const responses = http.batch([
    ['GET', `${BASE_URL}/api/products/${productId}`, null, { tags: { route: 'product', name: 'product' }, responseType: 'none' }],
    ['GET', `${BASE_URL}/api/stats`, null, { tags: { route: 'stats', name: 'stats' }, responseType: 'none' }],
  ]);
  for (const response of responses) {
    check(response, { 'stampede read: 200': (r) => r.status === 200 });
    stampedeMiss.add(response.headers['X-Cache'] === 'MISS');
  }
}

export const handleSummary = summaryFor('stampede');
