// `npm run metrics [-- --minutes 15] [--remote]`: per-route request counts, latency percentiles,
// errors, cache hit ratio and database time for the last N minutes, from the same SQL as the
// Grafana dashboard (monitoring/queries.sql). Locally it asks the stack's metrics collector;
// with --remote, Workers Analytics Engine (CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN).
import { parseArgs } from 'node:util';
import { forWindow, loadNamedQueries } from '../monitoring/named-queries';
import { type RouteSummaryRow, routeTable } from '../monitoring/route-table';
import { DEV_VARS_FILE, readDevVars } from '../stack/dev-vars';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let options: { minutes?: string; remote?: boolean };
try {
  options = parseArgs({
    options: { minutes: { type: 'string', default: '15' }, remote: { type: 'boolean', default: false } },
  }).values;
} catch (error) {
  fail(`${(error as Error).message}. Usage: npm run metrics [-- --minutes 15] [--remote]`);
}
const minutes = Number(options.minutes);
if (!Number.isFinite(minutes) || minutes <= 0)
  fail(`--minutes ${options.minutes} is not a positive number of minutes.`);

function sqlEndpoint(): { url: string; headers: Record<string, string>; where: string } {
  if (options.remote) {
    const account = process.env.CLOUDFLARE_ACCOUNT_ID;
    const token = process.env.CLOUDFLARE_API_TOKEN;
    if (!account || !token)
      fail(
        '--remote needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (a token with Account Analytics: Read) in the environment.',
      );
    return {
      url: `https://api.cloudflare.com/client/v4/accounts/${account}/analytics_engine/sql`,
      headers: { Authorization: `Bearer ${token}` },
      where: 'Workers Analytics Engine',
    };
  }
  const collector = readDevVars(DEV_VARS_FILE).METRICS_LOCAL_COLLECTOR;
  if (!collector)
    fail(
      'No local metrics collector in .dev.vars: start the stack (npm run dev or npm run serve), or pass --remote for production.',
    );
  return {
    url: `${collector}/accounts/local/analytics_engine/sql`,
    headers: {},
    where: `the local collector (${collector})`,
  };
}

const endpoint = sqlEndpoint();
const summary = loadNamedQueries().find((query) => query.name === 'route_summary');
if (!summary) fail('monitoring/queries.sql has no route_summary query.');
const to = new Date();
const from = new Date(to.getTime() - minutes * 60_000);

let response: Response;
try {
  response = await fetch(endpoint.url, {
    method: 'POST',
    headers: endpoint.headers,
    body: `${forWindow(summary.sql, from, to)} FORMAT JSON`,
  });
} catch (error) {
  fail(
    `Could not reach ${endpoint.where}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}. ${options.remote ? '' : 'Is npm run dev or npm run serve running?'}`.trim(),
  );
}
const text = await response.text();
if (!response.ok) {
  let message = text.split('\n')[0] ?? '';
  try {
    const body = JSON.parse(text) as { errors?: Array<{ message?: string }> };
    message = body.errors?.[0]?.message ?? message;
  } catch {
    // Not JSON: the first line says it.
  }
  fail(`${endpoint.where} answered ${response.status}: ${message}`);
}
const rows = (JSON.parse(text) as { data: RouteSummaryRow[] }).data;
if (rows.length === 0)
  fail(
    `No data points in the last ${minutes} minutes in ${endpoint.where} (dataset edge_api_requests): send some traffic first.`,
  );
console.log(`Last ${minutes} minutes, ${endpoint.where}:`);
console.log(routeTable(rows, minutes * 60));
