-- Queries over the METRICS dataset (edge_api_requests), in Workers Analytics Engine's SQL.
-- The data point layout is in src/monitoring/data-point.ts:
--   blob1 route · blob2 method · blob3 cache outcome ('' = not cached) · blob4 colo
--   double1 status · double2 total ms · double3 database ms · double4 cache ms · double5 bytes
-- Analytics Engine samples under load: each row stands for _sample_interval requests, so
-- counts are SUM(_sample_interval) and percentiles are weighted by it.
-- $from and $to are the window in unix seconds: Grafana's ClickHouse data source fills them
-- in; `npm run metrics` does the same. Each query starts with a `-- name:` line; the
-- dashboard (grafana-dashboard.json) uses these texts unchanged (test/unit/monitoring.test.ts).

-- name: route_summary
-- Per route: requests, latency percentiles, errors, cache hits among cached lookups, database time.
SELECT
  blob1 AS route,
  SUM(_sample_interval) AS requests,
  quantileExactWeighted(0.50)(double2, _sample_interval) AS p50_ms,
  quantileExactWeighted(0.95)(double2, _sample_interval) AS p95_ms,
  quantileExactWeighted(0.99)(double2, _sample_interval) AS p99_ms,
  SUM(if(double1 >= 500, _sample_interval, 0)) AS server_errors,
  SUM(if(double1 >= 400 AND double1 < 500, _sample_interval, 0)) AS client_errors,
  SUM(if(blob3 != '', _sample_interval, 0)) AS cache_lookups,
  SUM(if(blob3 IN ('HIT', 'STALE'), _sample_interval, 0)) AS cache_hits,
  SUM(if(double3 > 0, _sample_interval, 0)) AS database_requests,
  SUM(double3 * _sample_interval) AS database_ms,
  SUM(double5 * _sample_interval) AS bytes
FROM edge_api_requests
WHERE timestamp >= toDateTime($from) AND timestamp < toDateTime($to)
GROUP BY route
ORDER BY requests DESC

-- name: request_rate
-- Requests per second per route, per minute.
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' MINUTE) AS t,
  blob1 AS route,
  SUM(_sample_interval) / 60 AS requests_per_second
FROM edge_api_requests
WHERE timestamp >= toDateTime($from) AND timestamp < toDateTime($to)
GROUP BY t, route
ORDER BY t

-- name: latency_percentiles
-- p50, p95 and p99 of the Worker's time per request, per minute.
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' MINUTE) AS t,
  quantileExactWeighted(0.50)(double2, _sample_interval) AS p50_ms,
  quantileExactWeighted(0.95)(double2, _sample_interval) AS p95_ms,
  quantileExactWeighted(0.99)(double2, _sample_interval) AS p99_ms
FROM edge_api_requests
WHERE timestamp >= toDateTime($from) AND timestamp < toDateTime($to)
GROUP BY t
ORDER BY t

-- name: error_rate
-- Share of responses that were server errors (5xx), per minute.
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' MINUTE) AS t,
  SUM(if(double1 >= 500, _sample_interval, 0)) / SUM(_sample_interval) AS error_rate
FROM edge_api_requests
WHERE timestamp >= toDateTime($from) AND timestamp < toDateTime($to)
GROUP BY t
ORDER BY t

-- name: cache_outcomes
-- Cached routes' answers by X-Cache outcome, per minute.
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' MINUTE) AS t,
  blob3 AS outcome,
  SUM(_sample_interval) AS responses
FROM edge_api_requests
WHERE timestamp >= toDateTime($from) AND timestamp < toDateTime($to) AND blob3 != ''
GROUP BY t, outcome
ORDER BY t

-- name: cache_hit_ratio
-- Share of cached routes' answers served from the cache (HIT or STALE), per minute.
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' MINUTE) AS t,
  SUM(if(blob3 IN ('HIT', 'STALE'), _sample_interval, 0)) / SUM(_sample_interval) AS hit_ratio
FROM edge_api_requests
WHERE timestamp >= toDateTime($from) AND timestamp < toDateTime($to) AND blob3 != ''
GROUP BY t
ORDER BY t

-- name: database_time
-- Database time of the requests that queried, per route, per minute: mean and p95.
SELECT
  toStartOfInterval(timestamp, INTERVAL '1' MINUTE) AS t,
  blob1 AS route,
  SUM(double3 * _sample_interval) / SUM(_sample_interval) AS mean_database_ms,
  quantileExactWeighted(0.95)(double3, _sample_interval) AS p95_database_ms
FROM edge_api_requests
WHERE timestamp >= toDateTime($from) AND timestamp < toDateTime($to) AND double3 > 0
GROUP BY t, route
ORDER BY t
