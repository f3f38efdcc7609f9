// Where the local collector keeps data points: one table per dataset in the `edge_api_metrics`
// schema of the stack's Postgres, with Analytics Engine's columns, plus the few ClickHouse
// functions monitoring/queries.sql uses, so the same SQL runs here and on Cloudflare.

export const METRICS_SCHEMA = 'edge_api_metrics';
/** Analytics Engine's limits: 20 blobs and 20 doubles per data point. */
export const BLOB_COLUMNS = 20;
export const DOUBLE_COLUMNS = 20;

/** A dataset's table name: Analytics Engine dataset names are identifiers too. */
export function isDatasetName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name);
}

const columns = [
  'timestamp timestamptz NOT NULL',
  "index1 text NOT NULL DEFAULT ''",
  ...Array.from({ length: BLOB_COLUMNS }, (_, i) => `blob${i + 1} text NOT NULL DEFAULT ''`),
  ...Array.from({ length: DOUBLE_COLUMNS }, (_, i) => `double${i + 1} double precision NOT NULL DEFAULT 0`),
  // Every local point is kept: each stands for itself (Analytics Engine samples under load).
  '_sample_interval double precision NOT NULL DEFAULT 1',
];

export function createDatasetTableSql(dataset: string): string {
  return `CREATE TABLE IF NOT EXISTS ${METRICS_SCHEMA}.${dataset} (${columns.join(', ')});
CREATE INDEX IF NOT EXISTS ${dataset}_timestamp ON ${METRICS_SCHEMA}.${dataset} (timestamp);`;
}

/**
 * The ClickHouse functions the queries use, with ClickHouse's meaning:
 * - if(cond, then, else)
 * - toDateTime(unix seconds) and toDateTime('YYYY-MM-DD hh:mm:ss'), in UTC
 * - toStartOfInterval(t, interval): the start of t's bucket (Postgres folds the name to lower case)
 * - quantileExactWeighted(level)(x, weight): the smallest x whose cumulative weight reaches
 *   level × total weight; the dialect rewrites it to quantile_exact_weighted(level, x, weight)
 */
export const SCHEMA_SQL = `
CREATE SCHEMA IF NOT EXISTS ${METRICS_SCHEMA};
CREATE OR REPLACE FUNCTION ${METRICS_SCHEMA}."if"(condition boolean, when_true anycompatible, when_false anycompatible)
  RETURNS anycompatible LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN condition THEN when_true ELSE when_false END $$;
CREATE OR REPLACE FUNCTION ${METRICS_SCHEMA}.todatetime(seconds double precision)
  RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$ SELECT to_timestamp(seconds) $$;
CREATE OR REPLACE FUNCTION ${METRICS_SCHEMA}.todatetime(utc text)
  RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$ SELECT (utc::timestamp AT TIME ZONE 'UTC') $$;
CREATE OR REPLACE FUNCTION ${METRICS_SCHEMA}.tostartofinterval(t timestamptz, step interval)
  RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$ SELECT date_bin(step, t, TIMESTAMPTZ 'epoch') $$;
CREATE OR REPLACE FUNCTION ${METRICS_SCHEMA}.quantile_state(state double precision[], level double precision, x double precision, weight double precision)
  RETURNS double precision[] LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN state IS NULL THEN ARRAY[level, x, weight] ELSE state || ARRAY[x, weight] END $$;
CREATE OR REPLACE FUNCTION ${METRICS_SCHEMA}.quantile_final(state double precision[])
  RETURNS double precision LANGUAGE sql IMMUTABLE AS $$
    WITH pairs AS (
      SELECT state[i] AS x, state[i + 1] AS weight FROM generate_series(2, coalesce(array_length(state, 1), 0), 2) AS i
    ), running AS (
      SELECT x, sum(weight) OVER (ORDER BY x) AS cumulative, sum(weight) OVER () AS total FROM pairs
    )
    SELECT min(x) FROM running WHERE cumulative >= state[1] * total $$;
CREATE OR REPLACE AGGREGATE ${METRICS_SCHEMA}.quantile_exact_weighted(double precision, double precision, double precision) (
  SFUNC = ${METRICS_SCHEMA}.quantile_state, STYPE = double precision[], FINALFUNC = ${METRICS_SCHEMA}.quantile_final
);
`;
