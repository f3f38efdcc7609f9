// The local metrics collector and the monitoring queries: known inputs in, known figures out,
// through the same SQL the dashboard and `npm run metrics` use.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildDashboard, DATASOURCE_PLUGIN } from '../../monitoring/grafana-dashboard-source';
import { forWindow, loadNamedQueries, parseNamedQueries } from '../../monitoring/named-queries';
import { routeTable } from '../../monitoring/route-table';
import { PROJECT_ROOT } from '../../stack/dev-vars';
import { toPostgres, UnsupportedQueryError } from '../../stack/metrics/sql-dialect';

const stack = inject('stack');
const queries = loadNamedQueries();
const queryNamed = (name: string) => queries.find((query) => query.name === name)!.sql;

async function sql(query: string): Promise<{
  status: number;
  body: {
    data?: Array<Record<string, unknown>>;
    meta?: Array<{ name: string; type: string }>;
    errors?: Array<{ message: string }>;
  };
}> {
  const response = await fetch(`${stack.metricsCollector}/accounts/local/analytics_engine/sql`, {
    method: 'POST',
    body: query,
  });
  return { status: response.status, body: (await response.json()) as never };
}

async function write(dataset: string, points: unknown[]): Promise<Response> {
  return fetch(`${stack.metricsCollector}/write`, { method: 'POST', body: JSON.stringify({ dataset, points }) });
}

/** A dataset of its own, so the figures are exactly these points. */
const dataset = `test_${randomUUID().replaceAll('-', '')}`;
const onDataset = (query: string) => query.replaceAll('edge_api_requests', dataset);
const minuteStart = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000;
const window = { from: new Date(minuteStart - 60_000), to: new Date(minuteStart + 60_000) };

// 10 product requests (1..10 ms; 2 misses with db time, 8 hits), 2 stats answers of which one is a 503, 1 health check.
const points = [
  ...Array.from({ length: 10 }, (_, i) => ({
    timestamp: minuteStart + i,
    indexes: ['/api/products/:id'],
    blobs: ['/api/products/:id', 'GET', i < 2 ? 'MISS' : 'HIT', ''],
    doubles: [200, i + 1, i < 2 ? 4 : 0, 0.5, 100],
  })),
  {
    timestamp: minuteStart + 20,
    indexes: ['/api/stats'],
    blobs: ['/api/stats', 'GET', 'MISS', ''],
    doubles: [200, 30, 20, 1, 300],
  },
  {
    timestamp: minuteStart + 21,
    indexes: ['/api/stats'],
    blobs: ['/api/stats', 'GET', 'MISS', ''],
    doubles: [503, 50, 0, 1, 200],
  },
  { timestamp: minuteStart + 22, indexes: ['/health'], blobs: ['/health', 'GET', '', ''], doubles: [200, 0, 0, 0, 15] },
];

beforeAll(async () => {
  expect((await write(dataset, points)).status).toBe(200);
});

describe('the local collector answers the monitoring queries', () => {
  it('route_summary: counts, weighted percentiles, errors, hits and database time per route', async () => {
    const { status, body } = await sql(
      `${onDataset(forWindow(queryNamed('route_summary'), window.from, window.to))} FORMAT JSON`,
    );
    expect(status).toBe(200);
    expect(body.data).toEqual([
      {
        route: '/api/products/:id',
        requests: 10,
        p50_ms: 5,
        p95_ms: 10,
        p99_ms: 10,
        server_errors: 0,
        client_errors: 0,
        cache_lookups: 10,
        cache_hits: 8,
        database_requests: 2,
        database_ms: 8,
        bytes: 1000,
      },
      {
        route: '/api/stats',
        requests: 2,
        p50_ms: 30,
        p95_ms: 50,
        p99_ms: 50,
        server_errors: 1,
        client_errors: 0,
        cache_lookups: 2,
        cache_hits: 0,
        database_requests: 1,
        database_ms: 20,
        bytes: 500,
      },
      {
        route: '/health',
        requests: 1,
        p50_ms: 0,
        p95_ms: 0,
        p99_ms: 0,
        server_errors: 0,
        client_errors: 0,
        cache_lookups: 0,
        cache_hits: 0,
        database_requests: 0,
        database_ms: 0,
        bytes: 15,
      },
    ]);
    expect(body.meta?.map((column) => column.type)).toEqual(['String', ...Array(11).fill('Float64')]);
  });

  it('the per-minute series: rate, percentiles, error rate, outcomes, hit ratio, database time', async () => {
    const run = async (name: string) =>
      (await sql(onDataset(forWindow(queryNamed(name), window.from, window.to)))).body.data;
    const t = new Date(minuteStart).toISOString().slice(0, 19).replace('T', ' ');
    expect((await run('request_rate'))?.sort((a, b) => String(a.route).localeCompare(String(b.route)))).toEqual(
      [
        { t, route: '/api/products/:id', requests_per_second: 10 / 60 },
        { t, route: '/api/stats', requests_per_second: 2 / 60 },
        { t, route: '/health', requests_per_second: 1 / 60 },
      ].sort((a, b) => a.route.localeCompare(b.route)),
    );
    expect(await run('latency_percentiles')).toEqual([{ t, p50_ms: 6, p95_ms: 50, p99_ms: 50 }]);
    expect(await run('error_rate')).toEqual([{ t, error_rate: 1 / 13 }]);
    expect((await run('cache_outcomes'))?.sort((a, b) => String(a.outcome).localeCompare(String(b.outcome)))).toEqual([
      { t, outcome: 'HIT', responses: 8 },
      { t, outcome: 'MISS', responses: 4 },
    ]);
    expect(await run('cache_hit_ratio')).toEqual([{ t, hit_ratio: 8 / 12 }]);
    expect((await run('database_time'))?.sort((a, b) => String(a.route).localeCompare(String(b.route)))).toEqual([
      { t, route: '/api/products/:id', mean_database_ms: 4, p95_database_ms: 4 },
      { t, route: '/api/stats', mean_database_ms: 20, p95_database_ms: 20 },
    ]);
  });

  it('weights percentiles and counts by _sample_interval, as Analytics Engine requires', async () => {
    const sampled = `test_${randomUUID().replaceAll('-', '')}`;
    expect((await write(sampled, [{ timestamp: minuteStart, blobs: ['/r'], doubles: [200, 1] }])).status).toBe(200);
    // Analytics Engine keeps one row for many requests under load; locally every row is one request, so set a weight by hand.
    const client = new pg.Client(stack.databaseUrl);
    await client.connect();
    try {
      await client.query(
        `INSERT INTO edge_api_metrics.${sampled} (timestamp, blob1, double1, double2, _sample_interval) VALUES ($1, '/r', 200, 100, 9)`,
        [new Date(minuteStart)],
      );
    } finally {
      await client.end();
    }
    const { body } = await sql(
      forWindow(queryNamed('route_summary'), window.from, window.to).replaceAll('edge_api_requests', sampled),
    );
    // 10 requests: one of 1 ms, nine of 100 ms.
    expect(body.data?.[0]).toMatchObject({ route: '/r', requests: 10, p50_ms: 100, p95_ms: 100 });
  });

  it('refuses bad input with a 400 and a message', async () => {
    expect(await sql('SELECT nonsense FROM nowhere')).toMatchObject({
      status: 400,
      body: { errors: [{ message: expect.stringContaining('nowhere') }] },
    });
    expect(await sql('DELETE FROM edge_api_requests')).toMatchObject({
      status: 400,
      body: { errors: [{ message: 'The local collector answers SELECT queries only.' }] },
    });
    expect((await write('bad name; DROP', [])).status).toBe(400);
    expect((await write(dataset, [{ doubles: ['not a number'] }])).status).toBe(400);
  });
});

describe('the Analytics Engine dialect on Postgres', () => {
  it('rewrites the parametric quantile and drops FORMAT JSON', () => {
    expect(toPostgres('SELECT quantileExactWeighted(0.95)(double2, _sample_interval) AS p95 FROM t FORMAT JSON')).toBe(
      'SELECT quantile_exact_weighted(0.95, double2, _sample_interval) AS p95 FROM t',
    );
  });

  it('refuses other formats and statements', () => {
    expect(() => toPostgres('SELECT 1 FORMAT TabSeparated')).toThrow(UnsupportedQueryError);
    expect(() => toPostgres('DROP TABLE t')).toThrow('SELECT queries only');
  });
});

describe('queries.sql and the Grafana dashboard', () => {
  it('has the named queries, each with a description and the window placeholders', () => {
    expect(queries.map((query) => query.name)).toEqual([
      'route_summary',
      'request_rate',
      'latency_percentiles',
      'error_rate',
      'cache_outcomes',
      'cache_hit_ratio',
      'database_time',
    ]);
    for (const query of queries) {
      expect(query.description).not.toBe('');
      expect(query.sql).toContain('toDateTime($from)');
      expect(query.sql).toContain('toDateTime($to)');
    }
    expect(parseNamedQueries('-- intro\n-- name: a\n-- what a is\nSELECT 1\n')).toEqual([
      { name: 'a', description: 'what a is', sql: 'SELECT 1' },
    ]);
  });

  it('is the dashboard the queries build, and every panel runs one of the tested queries', () => {
    const committed = JSON.parse(
      readFileSync(path.join(PROJECT_ROOT, 'monitoring', 'grafana-dashboard.json'), 'utf8'),
    ) as {
      panels: Array<{
        title: string;
        datasource: { type: string };
        targets: Array<{ query: string; rawQuery: boolean }>;
      }>;
    };
    // Regenerate with: node --import tsx monitoring/grafana-dashboard-source.ts > monitoring/grafana-dashboard.json
    expect(committed).toEqual(buildDashboard(queries));
    expect(committed.panels.length).toBe(queries.length);
    for (const panel of committed.panels) {
      expect(panel.datasource.type).toBe(DATASOURCE_PLUGIN);
      for (const target of panel.targets) expect(queries.map((query) => query.sql)).toContain(target.query);
    }
  });
});

describe('npm run metrics', () => {
  const run = promisify(execFile);
  let settingsDir = '';
  beforeAll(() => {
    settingsDir = mkdtempSync(path.join(os.tmpdir(), 'edge-api-metrics-'));
  });
  afterAll(() => rmSync(settingsDir, { recursive: true, force: true }));

  async function metrics(args: string[], vars: Record<string, string>, extraEnv: Record<string, string> = {}) {
    const file = path.join(settingsDir, `${randomUUID()}.vars`);
    writeFileSync(
      file,
      Object.entries(vars)
        .map(([key, value]) => `${key}=${value}`)
        .join('\n'),
    );
    return run(process.execPath, ['--import', 'tsx', 'scripts/metrics.ts', ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DEV_VARS_FILE: file, CLOUDFLARE_ACCOUNT_ID: '', CLOUDFLARE_API_TOKEN: '', ...extraEnv },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  }

  it('prints per-route counts, percentiles and the hit ratio from the local collector', async () => {
    const route = `/metrics-cli-${randomUUID().slice(0, 8)}`;
    const now = Date.now();
    await write(
      'edge_api_requests',
      [1, 2, 3].map((ms) => ({
        timestamp: now - 1000,
        blobs: [route, 'GET', ms === 1 ? 'MISS' : 'HIT', ''],
        doubles: [200, ms, 0, 0, 10],
      })),
    );
    const { code, stdout } = await metrics(['--minutes', '1'], { METRICS_LOCAL_COLLECTOR: stack.metricsCollector });
    expect(code).toBe(0);
    expect(stdout).toContain('route');
    expect(stdout).toMatch(
      new RegExp(`${route}\\s+3\\s+0\\.05\\s+2\\.0\\s+3\\.0\\s+3\\.0\\s+0\\.0 %\\s+0\\.0 %\\s+66\\.7 %`),
    );
  });

  it('says in one line what is missing', async () => {
    const noCollector = await metrics([], {});
    expect(noCollector.code).toBe(1);
    expect(noCollector.stderr.trim()).toBe(
      'No local metrics collector in .dev.vars: start the stack (npm run dev or npm run serve), or pass --remote for production.',
    );
    const remote = await metrics(['--remote'], {});
    expect(remote.stderr.trim()).toMatch(/^--remote needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN/);
    const down = await metrics([], { METRICS_LOCAL_COLLECTOR: 'http://127.0.0.1:9' });
    expect(down.stderr.trim()).toMatch(
      /^Could not reach the local collector \(http:\/\/127\.0\.0\.1:9\): .*Is npm run dev or npm run serve running\?$/,
    );
  });

  it('says so when the window has no data points', async () => {
    const emptyApi = createServer((_request, response) =>
      response.end(JSON.stringify({ meta: [], data: [], rows: 0 })),
    );
    await new Promise<void>((resolve) => emptyApi.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(emptyApi.address() as AddressInfo).port}`;
      const empty = await metrics(['--minutes', '5'], { METRICS_LOCAL_COLLECTOR: url });
      expect(empty.code).toBe(1);
      expect(empty.stderr.trim()).toBe(
        `No data points in the last 5 minutes in the local collector (${url}) (dataset edge_api_requests): send some traffic first.`,
      );
    } finally {
      emptyApi.close();
    }
  });
});

describe('routeTable', () => {
  it('formats ratios and leaves out what has no denominator', () => {
    const table = routeTable(
      [
        {
          route: '/health',
          requests: '4',
          p50_ms: 1,
          p95_ms: 2,
          p99_ms: 2,
          server_errors: 0,
          client_errors: 1,
          cache_lookups: 0,
          cache_hits: 0,
          database_requests: 0,
          database_ms: 0,
        },
      ],
      60,
    );
    expect(table.split('\n')[1]).toMatch(/^\/health\s+4\s+0\.07\s+1\.0\s+2\.0\s+2\.0\s+0\.0 %\s+25\.0 %\s+–\s+–$/);
    expect(table.split('\n').at(-1)).toBe('4 requests in all, 0.07 req/s');
  });
});
