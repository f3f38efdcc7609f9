// The local stand-in for Workers Analytics Engine: the Worker's METRICS points arrive at
// `POST /write` (src/monitoring/local-collector.ts), are kept in Postgres (schema.ts),
// and `POST /accounts/<any>/analytics_engine/sql` answers the SQL API's queries with its JSON
// shape ({ meta, data, rows }), so `npm run metrics` and the dashboard queries run unchanged.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { keepConnectionsOpen, listen, type RunningServer, sendJson } from '../endpoint-kit';
import {
  BLOB_COLUMNS,
  createDatasetTableSql,
  DOUBLE_COLUMNS,
  isDatasetName,
  METRICS_SCHEMA,
  SCHEMA_SQL,
} from './schema';
import { toPostgres, UnsupportedQueryError } from './sql-dialect';

export interface MetricsCollectorOptions {
  /** 0 picks a free port. */
  port: number;
  databaseUrl: string;
  host?: string;
  /** Datasets whose tables exist from the start, so queries before the first point find them empty. @default ['edge_api_requests'] */
  datasets?: readonly string[];
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** How long points are kept (Analytics Engine keeps three months; a laptop's disk is smaller). */
const RETENTION = '7 days';
const PRUNE_EVERY_MS = 60_000;
const SQL_PATH = /^\/accounts\/[^/]+\/analytics_engine\/sql$/;

interface IncomingPoint {
  timestamp?: unknown;
  indexes?: unknown;
  blobs?: unknown;
  doubles?: unknown;
}

export async function startMetricsCollector(options: MetricsCollectorOptions): Promise<RunningServer> {
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
  // An idle connection Postgres closed (a restart, the stack stopping) is replaced by the next query; unhandled, it would end the process.
  pool.on('error', () => {});
  const knownTables = new Set<string>();
  await withSchemaLock(pool, async (client) => {
    await client.query(SCHEMA_SQL);
    for (const dataset of options.datasets ?? ['edge_api_requests']) {
      await client.query(createDatasetTableSql(dataset));
      knownTables.add(dataset);
    }
  });

  let prunedAt = 0;

  async function write(dataset: string, points: IncomingPoint[]): Promise<number> {
    if (Date.now() - prunedAt > PRUNE_EVERY_MS) {
      prunedAt = Date.now();
      for (const table of knownTables)
        await pool.query(`DELETE FROM ${METRICS_SCHEMA}.${table} WHERE timestamp < now() - interval '${RETENTION}'`);
    }
    if (!knownTables.has(dataset)) {
      await pool.query(createDatasetTableSql(dataset));
      knownTables.add(dataset);
    }
    const rows = points.map(pointRow);
    if (rows.length === 0) return 0;
    // Only the columns the batch uses, each as one array parameter: one statement whatever the batch's size.
    const blobs = Math.max(...rows.map((row) => row.blobs.length));
    const doubles = Math.max(...rows.map((row) => row.doubles.length));
    const columns: Array<[name: string, type: string, values: unknown[]]> = [
      ['timestamp', 'timestamptz', rows.map((row) => row.timestamp)],
      ['index1', 'text', rows.map((row) => row.index1)],
      ...Array.from({ length: blobs }, (_, i): [string, string, unknown[]] => [
        `blob${i + 1}`,
        'text',
        rows.map((row) => row.blobs[i] ?? ''),
      ]),
      ...Array.from({ length: doubles }, (_, i): [string, string, unknown[]] => [
        `double${i + 1}`,
        'float8',
        rows.map((row) => row.doubles[i] ?? 0),
      ]),
    ];
    await pool.query(
      `INSERT INTO ${METRICS_SCHEMA}.${dataset} (${columns.map(([name]) => name).join(', ')})
       SELECT * FROM unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`,
      columns.map(([, , values]) => values),
    );
    return rows.length;
  }

  async function query(sql: string): Promise<object> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL search_path = ${METRICS_SCHEMA}`);
      await client.query("SET LOCAL statement_timeout = '10s'");
      const result = await client.query({ text: toPostgres(sql), rowMode: 'array' });
      await client.query('COMMIT');
      const meta = result.fields.map((field) => ({ name: field.name, type: clickhouseType(field.dataTypeID) }));
      const data = result.rows.map((row: unknown[]) =>
        Object.fromEntries(meta.map((column, i) => [column.name, jsonValue(row[i])])),
      );
      return { meta, data, rows: data.length, rows_before_limit_at_least: data.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  const server = keepConnectionsOpen(
    createServer((request, response) => {
      handle(request, response).catch((error: unknown) => {
        const status =
          error instanceof UnsupportedQueryError || error instanceof BadRequest || isSqlError(error) ? 400 : 500;
        sendJson(response, status, { errors: [{ message: error instanceof Error ? error.message : String(error) }] });
      });
    }),
  );

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://collector').pathname;
    if (request.method === 'POST' && path === '/write') {
      const body = parseJson(await readBody(request)) as { dataset?: unknown; points?: unknown };
      if (typeof body.dataset !== 'string' || !isDatasetName(body.dataset) || !Array.isArray(body.points)) {
        throw new BadRequest('Expected { "dataset": "<name>", "points": [ … ] }.');
      }
      sendJson(response, 200, { written: await write(body.dataset, body.points as IncomingPoint[]) });
      return;
    }
    if (request.method === 'POST' && SQL_PATH.test(path)) {
      const result = await query((await readBody(request)).toString('utf8'));
      sendJson(response, 200, result);
      return;
    }
    sendJson(response, 404, {
      errors: [
        { message: `No route ${request.method} ${path}: POST /write, POST /accounts/<id>/analytics_engine/sql.` },
      ],
    });
  }

  const url = await listen(server, options.port, options.host ?? '127.0.0.1', 'METRICS_PORT');
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

class BadRequest extends Error {}

/** Two stacks on one database (tests, a dev server beside them) must not create the schema at the same moment. */
async function withSchemaLock(pool: pg.Pool, run: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('edge_api_metrics schema'))");
    await run(client);
  } finally {
    await client.query("SELECT pg_advisory_unlock(hashtext('edge_api_metrics schema'))").catch(() => {});
    client.release();
  }
}

interface PointRow {
  timestamp: Date;
  index1: string;
  blobs: string[];
  doubles: number[];
}

/** One row's values; anything malformed is refused, not guessed. */
function pointRow(point: IncomingPoint): PointRow {
  const timestamp = typeof point.timestamp === 'number' ? point.timestamp : Date.now();
  const indexes = Array.isArray(point.indexes) ? point.indexes : [];
  const blobs = Array.isArray(point.blobs) ? point.blobs : [];
  const doubles = Array.isArray(point.doubles) ? point.doubles : [];
  if (blobs.length > BLOB_COLUMNS || doubles.length > DOUBLE_COLUMNS)
    throw new BadRequest(`A data point has at most ${BLOB_COLUMNS} blobs and ${DOUBLE_COLUMNS} doubles.`);
  if (!doubles.every((value) => typeof value === 'number' && Number.isFinite(value)))
    throw new BadRequest('Doubles must be finite numbers.');
  const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));
  return {
    timestamp: new Date(timestamp),
    index1: text(indexes[0]),
    blobs: blobs.map(text),
    doubles: doubles as number[],
  };
}

/** Type names as ClickHouse reports them, which is what the SQL API's `meta` carries. */
function clickhouseType(oid: number): string {
  switch (oid) {
    case 25:
    case 1043:
      return 'String';
    case 20:
      return 'UInt64';
    case 21:
    case 23:
      return 'Int32';
    case 700:
    case 701:
    case 1700:
      return 'Float64';
    case 1184:
    case 1114:
      return 'DateTime';
    case 16:
      return 'UInt8';
    default:
      return 'String';
  }
}

function jsonValue(value: unknown): unknown {
  // DateTime as ClickHouse prints it: 'YYYY-MM-DD hh:mm:ss' in UTC.
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ');
  return value;
}

function isSqlError(error: unknown): boolean {
  return (
    error instanceof Error &&
    'code' in error &&
    typeof (error as { code: unknown }).code === 'string' &&
    /^[0-9A-Z]{5}$/.test((error as { code: string }).code)
  );
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`Body over ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new BadRequest('The body is not JSON.');
  }
}
