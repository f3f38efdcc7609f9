// One Analytics Engine data point per request. The layout is the contract between the Worker,
// monitoring/queries.sql, the Grafana dashboard and the local collector: change them together.
//
//   index1   route pattern (Analytics Engine samples per index, so each route keeps its own rate)
//   blob1    route pattern, e.g. /api/products/:id (never the URL: ids, cursors, search text stay out)
//   blob2    method
//   blob3    cache outcome: HIT, STALE, MISS, BYPASS; '' when the route does not cache
//   blob4    Cloudflare location (request.cf.colo); '' locally
//   double1  status
//   double2  total time in the Worker, ms
//   double3  database time, ms (Server-Timing `db`; 0 when no query ran)
//   double4  cache lookup time, ms (Server-Timing `cache`; 0 when the route does not cache)
//   double5  response body bytes before CDN compression (Content-Length; 0 when not declared)

/** What one request is measured by. */
export interface RequestFacts {
  route: string;
  method: string;
  status: number;
  cache: string;
  colo: string;
  totalMs: number;
  dbMs: number;
  cacheMs: number;
  bytes: number;
}

/** The Analytics Engine shape of `facts` (blobs and doubles in the documented order). */
export function dataPointOf(facts: RequestFacts): AnalyticsEngineDataPoint {
  return {
    indexes: [facts.route],
    blobs: [facts.route, facts.method, facts.cache, facts.colo],
    doubles: [facts.status, round(facts.totalMs), round(facts.dbMs), round(facts.cacheMs), facts.bytes],
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * The `cache` and `db` durations of a Server-Timing header (RFC-style `name;dur=…` entries, as
 * the cache layer writes them). Missing entries are 0.
 */
export function timingsFromServerTiming(header: string | null): { cacheMs: number; dbMs: number } {
  const timings = { cacheMs: 0, dbMs: 0 };
  if (!header) return timings;
  for (const entry of header.split(',')) {
    const [name, ...params] = entry.split(';').map((part) => part.trim());
    const duration = params.find((param) => param.startsWith('dur='));
    const ms = duration ? Number(duration.slice(4)) : Number.NaN;
    if (!Number.isFinite(ms)) continue;
    if (name === 'cache') timings.cacheMs = ms;
    else if (name === 'db') timings.dbMs = ms;
  }
  return timings;
}
