// Many virtual users hit freshly invalidated keys at the same moment. Each round, one write
// invalidates a product (and its lists and the stats), then every VU requests those keys at
// once: the cache must answer all of them while the database computes each key once.
//   k6 run -e API_TOKEN=<token> k6/stampede.ts
//
// A first, unmeasured round only opens each VU's two connections (GET /health). In production
// the Worker never accepts a connection (Cloudflare's edge holds the clients' connections);
// locally, 400 fresh TCP connections in one instant measure workerd's and k6's socket handling,
// not the cache. Latency gates apply to the measured rounds (`phase:stampede`).
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Rate } from 'k6/metrics';
import type { Options } from 'k6/options';
import { clientAddressHeader } from './lib/client-address.ts';
import { API_TOKEN, BASE_URL } from './lib/config.ts';
import { SUMMARY_TREND_STATS, thresholds } from './lib/shapes.ts';
import { summaryFor } from './lib/summary.ts';
import { requireHealthyApi } from './lib/traffic.ts';

const VUS = Number(__ENV.VUS || 200);
const ROUNDS = Number(__ENV.ROUNDS || 10);
/** Share of a round's reads that the database answered: ideally one per key. */
const stampedeMiss = new Rate('stampede_miss');
const MEASURED = 'phase:stampede';

/** The shared gates, with every request-latency gate on the measured rounds only. */
function measuredRoundGates(): NonNullable<Options['thresholds']> {
  return Object.fromEntries(
    Object.entries(thresholds({ minCacheHitRate: 0 }) ?? {}).map(([name, rules]) => {
      if (name === 'http_req_duration') return [`http_req_duration{${MEASURED}}`, rules];
      if (name.startsWith('http_req_duration{')) return [name.replace('{', `{${MEASURED},`), rules];
      return [name, rules];
    }),
  );
}

export const options: Options = {
  scenarios: {
    // Every VU starts each iteration together: per-vu-iterations with no think time, synchronized by the round's write.
    // One more iteration than rounds: the first opens the connections.
    stampede: { executor: 'per-vu-iterations', vus: VUS, iterations: ROUNDS + 1, maxDuration: '5m' },
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
  thresholds: {
    ...measuredRoundGates(),
    stampede_miss: ['rate<0.05'],
  },
};

export function setup(): void {
  requireHealthyApi();
  if (!API_TOKEN) {
    throw new Error(
      'stampede.ts invalidates keys with a write: pass -e API_TOKEN=<token> (see .dev.vars locally), ' +
        'and -e ALLOW_WRITES=1 if BASE_URL is not local (only for an API whose data is disposable).',
    );
  }
}

/** Every VU opens its two connections together, on the same whole second as the rounds. */
function openConnections(): void {
  sleep((1000 - (Date.now() % 1000)) / 1000);
  const tags = { phase: 'connect', name: 'connect' };
  http.batch([
    ['GET', `${BASE_URL}/health`, null, { tags, responseType: 'none' }],
    ['GET', `${BASE_URL}/health`, null, { tags, responseType: 'none' }],
  ]);
}

export default function (): void {
  if (exec.vu.iterationInScenario === 0) return openConnections();
  const round = exec.vu.iterationInScenario - 1;
  const productId = 1 + (round % 20);
  // VU 1 invalidates; the others wait out the write, then all read at once.
  if (exec.vu.idInTest === 1) {
    const write = http.patch(`${BASE_URL}/api/products/${productId}`, JSON.stringify({ stock: round }), {
      headers: { ...clientAddressHeader(), Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' },
      tags: { route: 'write', name: 'write', phase: 'stampede' },
    });
    check(write, { 'invalidating write: 200': (r) => r.status === 200 });
  }
  // Align every VU on the next whole second, so the reads land together.
  sleep((1000 - (Date.now() % 1000)) / 1000);
  // Only status and headers are checked: bodies are not turned into strings (k6's costliest step,
  // and k6 shares the machine's cores with the API when both run locally).
  const responses = http.batch([
    [
      'GET',
      `${BASE_URL}/api/products/${productId}`,
      null,
      {
        headers: clientAddressHeader(),
        tags: { route: 'product', name: 'product', phase: 'stampede' },
        responseType: 'none',
      },
    ],
    [
      'GET',
      `${BASE_URL}/api/stats`,
      null,
      {
        headers: clientAddressHeader(),
        tags: { route: 'stats', name: 'stats', phase: 'stampede' },
        responseType: 'none',
      },
    ],
  ]);
  for (const response of responses) {
    check(response, { 'stampede read: 200': (r) => r.status === 200 });
    stampedeMiss.add(response.headers['X-Cache'] === 'MISS');
  }
}

export const handleSummary = summaryFor('stampede');
