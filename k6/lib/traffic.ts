// The realistic traffic model: product pages by Zipf popularity, list pages with filters and
// followed cursors, searches, categories, stats, ~2 % authenticated writes, and a small share
// of `Cache-Control: no-cache` reads (anonymous, so the cache answers them as any read: clients
// cannot force database work). Each response is parsed at most once; nothing is logged.
import { check, sleep } from 'k6';
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import { clientAddressHeader } from './client-address.ts';
import { API_TOKEN, BASE_URL, PRODUCT_COUNT } from './config.ts';
import { zipfSampler } from './zipf.ts';

/** Share of responses served from the cache (X-Cache HIT or STALE). */
export const cacheHit = new Rate('cache_hit');
/** Response time tagged with the X-Cache outcome, so thresholds can scope hits and misses apart. */
const cacheLatency = new Trend('cache_latency', true);
/** Responses per route and X-Cache outcome (the summary's per-route cache mix). */
export const cacheOutcomes = new Counter('cache_outcomes');
export const ROUTES = ['product', 'list', 'search', 'categories', 'stats'] as const;
export const CACHE_OUTCOMES = ['HIT', 'STALE', 'MISS', 'BYPASS'] as const;

const pickProductId = zipfSampler(PRODUCT_COUNT);
const CATEGORIES = [
  'audio',
  'books',
  'cameras',
  'camping',
  'coffee',
  'cycling',
  'desk',
  'fitness',
  'footwear',
  'garden',
  'gaming',
  'home-decor',
  'kitchen',
  'lighting',
  'luggage',
  'music',
  'office',
  'outdoor',
  'pets',
  'phones',
  'smart-home',
  'tea',
  'tools',
  'toys',
  'watches',
];
const SORTS = ['id', 'price', '-price', 'newest'];
const SEARCHES = ['lamp', 'walnut', 'oak', 'steel', 'wireless', 'mug', 'chair', 'kettle', 'leather', 'tent'];

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;

function headers(): Record<string, string> {
  return Math.random() < 0.03 ? { ...clientAddressHeader(), 'Cache-Control': 'no-cache' } : clientAddressHeader();
}

/**
 * Records the cache outcome and checks; the route name tags the request so thresholds can scope
 * it. The body is only read when it is needed (a list page's cursor): turning every body into a
 * JS string costs k6 more CPU than anything else it does per request, and k6 shares the machine
 * with the API when both run locally.
 */
function get(path: string, route: string, readBody = false): RefinedResponse<ResponseType | undefined> {
  // `name` groups URLs by route: one time series per route, not one per product id or cursor.
  const response = http.get(`${BASE_URL}${path}`, {
    headers: headers(),
    tags: { route, name: route },
    responseType: readBody ? 'text' : 'none',
  });
  const cache = response.headers['X-Cache'];
  if (cache) {
    cacheHit.add(cache === 'HIT' || cache === 'STALE');
    cacheLatency.add(response.timings.duration, { cache, route });
    cacheOutcomes.add(1, { cache, route });
  }
  check(response, {
    [`${route}: 200`]: (r) => r.status === 200,
    [`${route}: JSON`]: (r) => String(r.headers['Content-Type']).startsWith('application/json'),
  });
  return response;
}

function browseList(): void {
  const category = Math.random() < 0.6 ? `&category=${pick(CATEGORIES)}` : '';
  let query = `/api/products?limit=20&sort=${pick(SORTS)}${category}`;
  // Most visitors read one page; some follow the cursor a few pages deep.
  const pages = Math.random() < 0.7 ? 1 : 1 + Math.ceil(Math.random() * 3);
  for (let page = 0; page < pages; page++) {
    const last = page === pages - 1;
    const response = get(query, 'list', !last);
    if (last || response.status !== 200) return;
    const nextCursor = response.json('nextCursor');
    if (typeof nextCursor !== 'string') return;
    query = `/api/products?limit=20&sort=${query.split('sort=')[1]!.split('&')[0]}${category}&cursor=${encodeURIComponent(nextCursor)}`;
  }
}

function writeStock(): void {
  const id = pickProductId();
  const response = http.patch(
    `${BASE_URL}/api/products/${id}`,
    JSON.stringify({ stock: Math.floor(Math.random() * 500) }),
    {
      headers: { ...clientAddressHeader(), Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' },
      tags: { route: 'write', name: 'write' },
      // A product deleted by someone else is a 404, not a failure.
      responseCallback: http.expectedStatuses(200, 404),
      responseType: 'none',
    },
  );
  check(response, { 'write: 200 or 404': (r) => r.status === 200 || r.status === 404 });
}

/** One visitor action, drawn from the mix. */
export function realisticTraffic(): void {
  const roll = Math.random();
  if (roll < 0.02 && API_TOKEN) writeStock();
  else if (roll < 0.6) get(`/api/products/${pickProductId()}`, 'product');
  else if (roll < 0.8) browseList();
  else if (roll < 0.88) get(`/api/products?q=${pick(SEARCHES)}&limit=20`, 'search');
  else if (roll < 0.94) get('/api/categories', 'categories');
  else get('/api/stats', 'stats');
}

/** Fails the run early, with a clear message, when the API is not there (a fresh preview gets a few tries). */
export function requireHealthyApi(): void {
  let response = http.get(`${BASE_URL}/health`, { timeout: '5s', tags: { route: 'setup', name: 'setup' } });
  for (let attempt = 1; response.status !== 200 && attempt < 5; attempt++) {
    sleep(2);
    response = http.get(`${BASE_URL}/health`, { timeout: '5s', tags: { route: 'setup', name: 'setup' } });
  }
  if (response.status !== 200) {
    throw new Error(
      `${BASE_URL}/health answered ${response.status || response.error}: start the API (npm run serve) or set -e BASE_URL=<url>.`,
    );
  }
}
