// One Analytics Engine data point per request, end to end: the Worker → the local collector →
// the SQL API's shape. And metrics never change or fail a request, with or without a binding.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env, exports } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { authorized, setFault, stack } from './api-client';

interface StoredPoint {
  route: string;
  method: string;
  cache: string;
  status: number;
  total_ms: number;
  database_ms: number;
  cache_ms: number;
  bytes: number;
}

async function sql<T>(query: string): Promise<T[]> {
  const response = await fetch(`${stack.metricsCollector}/accounts/local/analytics_engine/sql`, {
    method: 'POST',
    body: query,
  });
  if (!response.ok) throw new Error(`collector: ${response.status} ${await response.text()}`);
  return (await response.json<{ data: T[] }>()).data;
}

/**
 * Each test's requests carry a location of their own (request.cf.colo, blob4), so other tests'
 * traffic (background refreshes included) never mixes into what a test reads back.
 */
let locationCounter = 0;
const newLocation = () => `T${Date.now().toString(36)}${(locationCounter++).toString(36)}`.toUpperCase();

function request(path: string, colo: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(
    new Request(`http://edge-api.test${path}`, { ...init, cf: { colo } as RequestInit['cf'] }),
  );
}

/** The data points of one location, once `count` have arrived (they leave the Worker within a second). */
async function pointsOf(colo: string, count = 1): Promise<StoredPoint[]> {
  const query = `SELECT blob1 AS route, blob2 AS method, blob3 AS cache, double1 AS status, double2 AS total_ms,
      double3 AS database_ms, double4 AS cache_ms, double5 AS bytes
    FROM edge_api_requests WHERE blob4 = '${colo}' ORDER BY timestamp FORMAT JSON`;
  let points: StoredPoint[] = [];
  for (const deadline = Date.now() + 10_000; points.length < count && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    points = await sql<StoredPoint>(query);
  }
  return points;
}

describe('one data point per request', () => {
  afterEach(() => setFault(stack.neonEndpoint, 'none'));

  it('records a miss and then a hit of the same product, with their cache outcome, timings and bytes', async () => {
    const colo = newLocation();
    const miss = await request('/api/products/7', colo, { headers: authorized({ 'Cache-Control': 'no-cache' }) });
    const hit = await request('/api/products/7', colo);
    const bodies = [await miss.text(), await hit.text()];
    expect([miss.headers.get('X-Cache'), hit.headers.get('X-Cache')]).toEqual(['MISS', 'HIT']);

    const points = await pointsOf(colo, 2);
    expect(points.map(({ route, method, cache, status, bytes }) => ({ route, method, cache, status, bytes }))).toEqual([
      {
        route: '/api/products/:id',
        method: 'GET',
        cache: 'MISS',
        status: 200,
        bytes: new TextEncoder().encode(bodies[0]).byteLength,
      },
      {
        route: '/api/products/:id',
        method: 'GET',
        cache: 'HIT',
        status: 200,
        bytes: new TextEncoder().encode(bodies[1]).byteLength,
      },
    ]);
    // The miss queried the database; the hit did not.
    expect(points[1]!.database_ms).toBe(0);
    expect(Number(miss.headers.get('Server-Timing')?.match(/db;dur=([\d.]+)/)?.[1])).toBeCloseTo(
      points[0]!.database_ms,
      1,
    );
  });

  it('records a bypass', async () => {
    const colo = newLocation();
    const response = await request('/api/categories', colo, { headers: authorized({ 'Cache-Control': 'no-store' }) });
    await response.arrayBuffer();
    expect(response.headers.get('X-Cache')).toBe('BYPASS');
    expect(await pointsOf(colo)).toMatchObject([
      { route: '/api/categories', method: 'GET', cache: 'BYPASS', status: 200, cache_ms: 0 },
    ]);
  });

  it('records a 304 with no body bytes', async () => {
    const first = await request('/api/products/8', newLocation());
    await first.arrayBuffer();
    const colo = newLocation();
    const revalidated = await request('/api/products/8', colo, {
      headers: { 'If-None-Match': first.headers.get('ETag')! },
    });
    expect(revalidated.status).toBe(304);
    expect(await pointsOf(colo)).toMatchObject([{ route: '/api/products/:id', status: 304, cache: 'HIT', bytes: 0 }]);
  });

  it('records a server error with its status', async () => {
    await setFault(stack.neonEndpoint, 'error');
    const colo = newLocation();
    // Never cached: the database must answer, and it cannot.
    const response = await request('/api/products?limit=3&sort=-price&q=metrics-error-case', colo);
    await response.arrayBuffer();
    expect(response.status).toBe(503);
    expect(await pointsOf(colo)).toMatchObject([
      { route: '/api/products', method: 'GET', status: 503, cache: response.headers.get('X-Cache') ?? '' },
    ]);
  });

  it('records the route pattern, never the URL: no ids, cursors or search text', async () => {
    const colo = newLocation();
    await (await request('/api/products?q=private-search-text&limit=2', colo)).arrayBuffer();
    await (await request('/api/products/9', colo)).arrayBuffer();
    const points = await pointsOf(colo, 2);
    expect(points.map((point) => point.route)).toEqual(['/api/products', '/api/products/:id']);
    const stored = await sql<Record<string, unknown>>(
      `SELECT * FROM edge_api_requests WHERE blob4 = '${colo}' FORMAT JSON`,
    );
    expect(JSON.stringify(stored)).not.toMatch(/private-search-text|\/9\b/);
  });
});

/** The bindings as the app reads them: a deployment may have no METRICS binding (src/monitoring/request-metrics.ts). */
type BindingsMaybeWithoutMetrics = Omit<Env, 'METRICS'> & Partial<Pick<Env, 'METRICS'>>;

describe('metrics never change a request', () => {
  const throwingDataset: AnalyticsEngineDataset = {
    writeDataPoint: () => {
      throw new Error('Analytics Engine is down');
    },
  };
  const withoutMetrics: BindingsMaybeWithoutMetrics = { ...env, METRICS_LOCAL_COLLECTOR: '', METRICS: undefined };

  async function answer(environment: BindingsMaybeWithoutMetrics) {
    const ctx = createExecutionContext();
    const response = await createApp().fetch(new Request('http://edge-api.test/api/categories'), environment, ctx);
    await waitOnExecutionContext(ctx);
    const headers = Object.fromEntries(
      [...response.headers].filter(
        ([name]) => !['x-request-id', 'server-timing', 'cache-status', 'x-cache', 'age'].includes(name),
      ),
    );
    return { status: response.status, headers, body: await response.text() };
  }

  it('answers the same with no METRICS binding, with a binding that throws, and with a collector that is down', async () => {
    const reference = await answer(withoutMetrics);
    expect(reference.status).toBe(200);
    expect(await answer({ ...withoutMetrics, METRICS: throwingDataset } satisfies Env)).toEqual(reference);
    expect(await answer({ ...withoutMetrics, METRICS_LOCAL_COLLECTOR: 'http://127.0.0.1:9' })).toEqual(reference);
  });

  it('writes to the METRICS binding when there is no local collector', async () => {
    const written: AnalyticsEngineDataPoint[] = [];
    const recordingDataset: AnalyticsEngineDataset = {
      writeDataPoint: (point: AnalyticsEngineDataPoint) => written.push(point),
    };
    const recording: Env = { ...withoutMetrics, METRICS: recordingDataset };
    const ctx = createExecutionContext();
    await (await createApp().fetch(new Request('http://edge-api.test/health'), recording, ctx)).text();
    await waitOnExecutionContext(ctx);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ indexes: ['/health'], blobs: ['/health', 'GET', '', ''] });
    expect(written[0]!.doubles?.[0]).toBe(200);
  });
});
