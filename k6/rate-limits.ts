// Per-client budgets under load: many polite clients (one per VU, the realistic read mix at a
// modest rate) are never refused, while three greedy clients, each on one address, overrun their
// reads, writes and forced-read budgets and get 429s with the right headers.
//   RATE_LIMIT_READS="600 per 10s" npm run serve      (serve raises the reads budget otherwise)
//   k6 run -e API_TOKEN=<token> k6/rate-limits.ts
// The greedy writer sends PATCHes to a product id that does not exist: 404s that change no data.
import { check } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter, Rate } from 'k6/metrics';
import type { Options, Scenario } from 'k6/options';
import { API_TOKEN, BASE_URL } from './lib/config.ts';
import { SUMMARY_TREND_STATS } from './lib/shapes.ts';
import { summaryFor } from './lib/summary.ts';
import { realisticTraffic, requireHealthyApi } from './lib/traffic.ts';

/** Share of a greedy client's requests refused with 429, tagged by budget. */
const refused = new Rate('rate_limited');
/** Requests a greedy client got through, per budget (compare with the policy's q). */
const greedyAllowed = new Counter('greedy_allowed');

const greedy = (rate: number, exec: string): Scenario => ({
  executor: 'constant-arrival-rate',
  rate,
  timeUnit: '1s',
  duration: '30s',
  preAllocatedVUs: 20,
  maxVUs: 50,
  exec,
});

export const options: Options = {
  scenarios: {
    polite: {
      executor: 'constant-arrival-rate',
      rate: 100,
      timeUnit: '1s',
      duration: '30s',
      preAllocatedVUs: 100,
      maxVUs: 200,
      exec: 'polite',
    },
    // 1,000 reads per 10 s against 600; 600 writes in 30 s against 300 per minute; 150 forced reads against 60.
    greedyReader: greedy(100, 'greedyReads'),
    greedyWriter: greedy(20, 'greedyWrites'),
    greedyForcer: greedy(5, 'greedyForcedReads'),
  },
  summaryTrendStats: SUMMARY_TREND_STATS,
  thresholds: {
    // k6 tags each request with its scenario and status.
    'http_reqs{scenario:polite,status:429}': ['count==0'],
    // Each greedy client is refused, and gets through no more than its budget allows in 30 s: reads
    // (fixed 10 s windows) at most 4 windows' worth; writes and forced reads (sliding one-minute
    // windows) one budget, or up to half as much again when the run crosses a minute boundary.
    'rate_limited{client:greedy,budget:reads}': ['rate>0'],
    'rate_limited{client:greedy,budget:writes}': ['rate>0'],
    'rate_limited{client:greedy,budget:forced}': ['rate>0'],
    'greedy_allowed{budget:reads}': ['count<=2400'],
    'greedy_allowed{budget:writes}': ['count<=450'],
    'greedy_allowed{budget:forced}': ['count<=90'],
    // Every 429 is problem+json with Retry-After and both RateLimit fields naming its budget.
    'checks{check:429 headers}': ['rate==1'],
    http_req_failed: ['rate<1'],
  },
};

/** Greedy clients' addresses, new each run: an earlier run's counts must not refuse this one's first requests. */
interface GreedyAddresses {
  reads: string;
  writes: string;
  forced: string;
}

const randomAddress = (prefix: string) => `${prefix}.${Math.floor(Math.random() * 254) + 1}`;

export function setup(): GreedyAddresses {
  requireHealthyApi();
  if (!API_TOKEN)
    throw new Error('rate-limits.ts floods writes and forced reads: pass -e API_TOKEN=<token> (see .dev.vars).');
  const policy = http.get(`${BASE_URL}/api/categories`, { headers: { 'CF-Connecting-IP': '192.0.2.250' } }).headers[
    'Ratelimit-Policy'
  ];
  if (!/;q=600;w=10$/.test(policy ?? '')) {
    throw new Error(
      `The reads budget is ${policy}: start the server with RATE_LIMIT_READS="600 per 10s" npm run serve.`,
    );
  }
  const stamp = Math.floor(Math.random() * 254) + 1;
  return {
    reads: randomAddress(`198.18.${stamp}`),
    writes: randomAddress(`198.19.${stamp}`),
    forced: randomAddress(`198.18.${(stamp + 1) % 255}`),
  };
}

function record(response: RefinedResponse<ResponseType | undefined>, budget: string): void {
  const limited = response.status === 429;
  refused.add(limited, { client: 'greedy', budget });
  if (!limited) greedyAllowed.add(1, { budget });
  if (limited) {
    const retryAfter = Number(response.headers['Retry-After']);
    check(
      response,
      {
        '429 headers': (r) =>
          String(r.headers['Content-Type']).startsWith('application/problem+json') &&
          retryAfter >= 1 &&
          r.headers['Ratelimit'] === `"${budget}";r=0;t=${retryAfter}` &&
          String(r.headers['Ratelimit-Policy']).startsWith(`"${budget}";q=`),
      },
      { check: '429 headers' },
    );
  }
}

export function polite(): void {
  // The realistic mix from this VU's own address (k6/lib/client-address.ts); its responses are checked there.
  realisticTraffic();
}

const from = (address: string, headers: Record<string, string> = {}) => ({ 'CF-Connecting-IP': address, ...headers });
const authorized = { Authorization: `Bearer ${API_TOKEN}` };

export function greedyReads(addresses: GreedyAddresses): void {
  const response = http.get(`${BASE_URL}/api/categories`, {
    headers: from(addresses.reads),
    tags: { name: 'greedy reads' },
    responseType: 'none',
    responseCallback: http.expectedStatuses(200, 429),
  });
  record(response, 'reads');
}

export function greedyWrites(addresses: GreedyAddresses): void {
  const response = http.patch(`${BASE_URL}/api/products/2147483000`, JSON.stringify({ stock: 1 }), {
    headers: from(addresses.writes, { ...authorized, 'Content-Type': 'application/json' }),
    tags: { name: 'greedy writes' },
    responseType: 'none',
    responseCallback: http.expectedStatuses(404, 429),
  });
  record(response, 'writes');
}

export function greedyForcedReads(addresses: GreedyAddresses): void {
  const response = http.get(`${BASE_URL}/api/stats`, {
    headers: from(addresses.forced, authorized),
    tags: { name: 'greedy forced reads' },
    responseType: 'none',
    responseCallback: http.expectedStatuses(200, 429),
  });
  record(response, 'forced');
}

export const handleSummary = summaryFor('rate-limits');
