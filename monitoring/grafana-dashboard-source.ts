// Builds grafana-dashboard.json from queries.sql, so every panel runs a query the tests run:
//   node --import tsx monitoring/grafana-dashboard-source.ts > monitoring/grafana-dashboard.json
// The data source is Grafana's ClickHouse plugin by Altinity pointed at the Analytics Engine SQL
// API, the setup Cloudflare documents (docs/monitoring.md says how to connect it).
import { fileURLToPath } from 'node:url';
import { loadNamedQueries, type NamedQuery } from './named-queries';

export const DATASOURCE_PLUGIN = 'vertamedia-clickhouse-datasource';
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder, written into the dashboard as is.
const datasource = { type: DATASOURCE_PLUGIN, uid: '${DS_ANALYTICS_ENGINE}' };

interface PanelSpec {
  query: string;
  title: string;
  type: 'table' | 'timeseries';
  unit: string;
  width: number;
}

/** The panels, in order, each naming its query in queries.sql. */
const PANELS: PanelSpec[] = [
  { query: 'request_rate', title: 'Requests per second, per route', type: 'timeseries', unit: 'reqps', width: 12 },
  {
    query: 'latency_percentiles',
    title: 'Worker time per request: p50, p95, p99',
    type: 'timeseries',
    unit: 'ms',
    width: 12,
  },
  {
    query: 'error_rate',
    title: 'Server errors (5xx), share of responses',
    type: 'timeseries',
    unit: 'percentunit',
    width: 8,
  },
  {
    query: 'cache_hit_ratio',
    title: 'Cache hit ratio (HIT + STALE of cached routes)',
    type: 'timeseries',
    unit: 'percentunit',
    width: 8,
  },
  { query: 'cache_outcomes', title: 'Cached answers by X-Cache outcome', type: 'timeseries', unit: 'short', width: 8 },
  {
    query: 'database_time',
    title: 'Database time of requests that queried, per route',
    type: 'timeseries',
    unit: 'ms',
    width: 24,
  },
  { query: 'route_summary', title: 'Routes over the selected time range', type: 'table', unit: 'none', width: 24 },
];

export function buildDashboard(queries: readonly NamedQuery[]): object {
  let x = 0;
  let y = 0;
  const panels = PANELS.map((spec, i) => {
    const query = queries.find((candidate) => candidate.name === spec.query);
    if (!query) throw new Error(`queries.sql has no query named ${spec.query}`);
    if (x + spec.width > 24) {
      x = 0;
      y += 8;
    }
    const gridPos = { h: 8, w: spec.width, x, y };
    x += spec.width;
    return {
      id: i + 1,
      type: spec.type,
      title: spec.title,
      description: query.description,
      datasource,
      gridPos,
      fieldConfig: { defaults: { unit: spec.unit }, overrides: [] },
      options:
        spec.type === 'table'
          ? { showHeader: true }
          : { legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
      targets: [
        {
          refId: 'A',
          datasource,
          rawQuery: true,
          query: query.sql,
          format: spec.type === 'table' ? 'table' : 'time_series',
        },
      ],
    };
  });
  return {
    __inputs: [
      {
        name: 'DS_ANALYTICS_ENGINE',
        label: 'Workers Analytics Engine',
        description: 'ClickHouse (Altinity) data source pointed at the Analytics Engine SQL API',
        type: 'datasource',
        pluginId: DATASOURCE_PLUGIN,
        pluginName: 'Altinity plugin for ClickHouse',
      },
    ],
    __requires: [
      { type: 'grafana', id: 'grafana', name: 'Grafana', version: '10.0.0' },
      { type: 'datasource', id: DATASOURCE_PLUGIN, name: 'Altinity plugin for ClickHouse', version: '3.0.0' },
      { type: 'panel', id: 'timeseries', name: 'Time series', version: '' },
      { type: 'panel', id: 'table', name: 'Table', version: '' },
    ],
    title: 'edge-api requests',
    uid: 'edge-api-requests',
    description:
      'One Analytics Engine data point per request (src/monitoring/data-point.ts); queries from monitoring/queries.sql.',
    tags: ['edge-api', 'cloudflare-workers'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '1m',
    time: { from: 'now-1h', to: 'now' },
    timezone: 'utc',
    panels,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(buildDashboard(loadNamedQueries()), null, 2)}\n`);
}
