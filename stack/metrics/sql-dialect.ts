// The part of Analytics Engine's SQL (ClickHouse's dialect) that monitoring/queries.sql uses,
// made runnable on Postgres. Most of it is already valid there (SUM, IN, NOW(), INTERVAL '15'
// MINUTE, GROUP BY aliases); schema.ts defines if() and toStartOfInterval(); what is left is
// rewritten here. Anything else fails with Postgres's own message, which the collector returns.

export class UnsupportedQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedQueryError';
  }
}

/** The Postgres form of an Analytics Engine query. Only `FORMAT JSON` (the API's default here) is answered. */
export function toPostgres(query: string): string {
  let sql = query.trim().replace(/;\s*$/, '');
  const format = /\s+FORMAT\s+(\w+)\s*$/i.exec(sql);
  if (format) {
    if (format[1]!.toUpperCase() !== 'JSON')
      throw new UnsupportedQueryError(`The local collector answers FORMAT JSON only, not ${format[1]}.`);
    sql = sql.slice(0, format.index);
  }
  if (!/^(SELECT|WITH)\b/i.test(sql))
    throw new UnsupportedQueryError('The local collector answers SELECT queries only.');
  // quantileExactWeighted(level)(x, weight): ClickHouse's parametric call, an ordinary aggregate here.
  return sql.replace(/quantileExactWeighted\s*\(\s*([0-9.]+)\s*\)\s*\(/gi, 'quantile_exact_weighted($1, ');
}
