// The terminal table of `npm run metrics`: one line per route from the route_summary query.

/** A route_summary row as the SQL API returns it (ClickHouse quotes 64-bit integers, so numbers may be strings). */
export type RouteSummaryRow = Record<string, string | number | null>;

const HEADINGS = ['route', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', '5xx', '4xx', 'hit ratio', 'db ms/query'];

const num = (value: string | number | null | undefined) => (value === null || value === undefined ? 0 : Number(value));
const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : '–');
const ms = (value: number) => value.toFixed(1);

export function routeTable(rows: readonly RouteSummaryRow[], windowSeconds: number): string {
  const lines = rows.map((row) => {
    const requests = num(row.requests);
    const databaseRequests = num(row.database_requests);
    return [
      String(row.route ?? ''),
      String(Math.round(requests)),
      (requests / windowSeconds).toFixed(2),
      ms(num(row.p50_ms)),
      ms(num(row.p95_ms)),
      ms(num(row.p99_ms)),
      percent(num(row.server_errors), requests),
      percent(num(row.client_errors), requests),
      percent(num(row.cache_hits), num(row.cache_lookups)),
      databaseRequests > 0 ? ms(num(row.database_ms) / databaseRequests) : '–',
    ];
  });
  const total = rows.reduce((sum, row) => sum + num(row.requests), 0);
  const widths = HEADINGS.map((heading, i) => Math.max(heading.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [
    format(HEADINGS),
    ...lines.map(format),
    `${Math.round(total)} requests in all, ${(total / windowSeconds).toFixed(2)} req/s`,
  ].join('\n');
}
