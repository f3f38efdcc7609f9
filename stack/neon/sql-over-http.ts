// `POST /sql`: what `neon()` from @neondatabase/serverless sends, answered as Neon's proxy answers it
// (neondatabase/neon `proxy/src/serverless/sql_over_http.rs`).
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { CustomTypesConfig, Pool, PoolClient, QueryArrayConfig, QueryArrayResult } from 'pg';
import pg from 'pg';
import {
  type EndpointState,
  type Fault,
  HttpError,
  readJsonBody,
  sendHalfThenDrop,
  sendJson,
  sendLate,
} from '../endpoint-kit';
import { ConnectionPools } from './connection-pools';
import type { DatabaseAddress } from './database-address';

/**
 * One statement as the driver sends it. `params` arrive already serialized to text or null;
 * raw JSON numbers, booleans, objects and arrays go through node-postgres' `prepareValue`,
 * which turns them into the same text Neon's `json_to_pg_text` would.
 */
interface Statement {
  query: string;
  params: unknown[];
}

type Payload = Statement | { queries: Statement[] };

/** One statement's answer. Cells are Postgres text output; the driver parses them by `dataTypeID`. */
interface NeonResult {
  command: string;
  rowCount: number | null;
  rowAsArray: true;
  fields: NeonField[];
  rows: unknown[][];
}

interface NeonField {
  name: string;
  dataTypeID: number;
  tableID: number;
  columnID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
  format: 'text';
}

export interface SqlOverHttp {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  /** Ends every pool. */
  close(): Promise<void>;
}

// Keeps every cell as the text Postgres sent: parsing belongs to the driver.
const RAW_TEXT: CustomTypesConfig = { getTypeParser: () => (text: string) => text };

const ISOLATION_LEVELS = new Map([
  ['Serializable', 'SERIALIZABLE'],
  ['RepeatableRead', 'REPEATABLE READ'],
  ['ReadCommitted', 'READ COMMITTED'],
  ['ReadUncommitted', 'READ UNCOMMITTED'],
]);

const DATABASE_ERROR_FIELDS = [
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'severity',
  'where',
  'table',
  'column',
  'schema',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

/** The `POST /sql` handler, with one node-postgres pool per role and database it is asked for. */
export function createSqlOverHttp(database: DatabaseAddress, state: EndpointState): SqlOverHttp {
  const pools = new ConnectionPools(database);

  async function execute(client: PoolClient, { query, params }: Statement): Promise<NeonResult> {
    state.count('commands');
    // The extended protocol, as Neon uses: several statements in one string fail with 42601.
    const config: QueryArrayConfig & { queryMode: 'extended' } = {
      text: query,
      values: params,
      rowMode: 'array',
      queryMode: 'extended',
      types: RAW_TEXT,
    };
    return toNeonResult(await client.query(config));
  }

  async function runSingle(pool: Pool, statement: Statement): Promise<NeonResult> {
    const client = await pool.connect();
    try {
      return await execute(client, statement);
    } finally {
      // Like Neon, a connection a statement left inside a transaction (a lone BEGIN) is not reused.
      client.release(client.getTransactionStatus() !== 'I');
    }
  }

  async function runBatch(pool: Pool, statements: Statement[], begin: string): Promise<NeonResult[]> {
    const client = await pool.connect();
    try {
      await client.query(begin);
      const results: NeonResult[] = [];
      for (const statement of statements) results.push(await execute(client, statement));
      await client.query('COMMIT');
      return results;
    } catch (error) {
      // The statement's error is the answer; a connection that cannot roll back is discarded below.
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release(client.getTransactionStatus() !== 'I');
    }
  }

  /** How an answer leaves under `fault`: `slow` holds it back, `drop` cuts it off half-way. */
  function answerUnder(fault: Fault, response: ServerResponse): (status: number, body: unknown) => void {
    switch (fault.mode) {
      case 'slow':
        return (status, body) => sendLate(fault.delayMs, () => sendJson(response, status, body), state.holdLate);
      case 'drop':
        return (status, body) => sendHalfThenDrop(response, status, body);
      default:
        return (status, body) => sendJson(response, status, body);
    }
  }

  return {
    async handle(request, response) {
      // The fault the request arrived in decides how it is answered, whatever happens meanwhile.
      const fault = state.admit();
      if (fault.mode === 'error') return sendJson(response, 503, { message: 'fault injected: error' });
      if (fault.mode === 'hang') {
        response.once(
          'close',
          state.holdHanging(() => response.destroy()),
        );
        return;
      }
      const answer = answerUnder(fault, response);
      try {
        if (request.method !== 'POST') throw new HttpError(405, 'use POST');
        const pool = pools.forConnectionString(request.headers['neon-connection-string']);
        const begin = beginStatement(request.headers);
        const payload = parsePayload(await readJsonBody(request));
        answer(
          200,
          'queries' in payload
            ? { results: await runBatch(pool, payload.queries, begin) }
            : await runSingle(pool, payload),
        );
      } catch (error) {
        answer(...errorAnswer(error));
      }
    },
    close: () => pools.close(),
  };
}

/** `BEGIN` with the batch options the driver sends for `sql.transaction()`. */
function beginStatement(headers: IncomingHttpHeaders): string {
  const modes: string[] = [];
  const level = headers['neon-batch-isolation-level'];
  if (level !== undefined) {
    const sql = typeof level === 'string' ? ISOLATION_LEVELS.get(level) : undefined;
    // Neon's message, checked for every request as Neon does.
    if (sql === undefined) throw new HttpError(400, 'invalid isolation level');
    modes.push(`ISOLATION LEVEL ${sql}`);
  }
  // As on Neon, anything but exactly "true" means false.
  if (headers['neon-batch-read-only'] === 'true') modes.push('READ ONLY');
  if (headers['neon-batch-deferrable'] === 'true') modes.push('DEFERRABLE');
  return modes.length === 0 ? 'BEGIN' : `BEGIN ${modes.join(', ')}`;
}

function parsePayload(body: unknown): Payload {
  if (isRecord(body) && Array.isArray(body.queries)) return { queries: body.queries.map(parseStatement) };
  return parseStatement(body);
}

function parseStatement(value: unknown): Statement {
  if (
    !isRecord(value) ||
    typeof value.query !== 'string' ||
    !(value.params === undefined || Array.isArray(value.params))
  ) {
    throw new HttpError(400, 'expected {"query": string, "params"?: array} or {"queries": [{"query", "params"}, …]}');
  }
  return { query: value.query, params: value.params ?? [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toNeonResult({ command, rowCount, fields, rows }: QueryArrayResult): NeonResult {
  return {
    command,
    rowCount,
    rowAsArray: true,
    fields: fields.map(({ name, dataTypeID, tableID, columnID, dataTypeSize, dataTypeModifier }) => ({
      name,
      dataTypeID,
      tableID,
      columnID,
      dataTypeSize,
      dataTypeModifier,
      format: 'text',
    })),
    rows,
  };
}

function errorAnswer(error: unknown): [status: number, body: unknown] {
  if (error instanceof HttpError) return [error.status, { message: error.message }];
  // The driver copies these fields onto NeonDbError; Neon sends null for the absent ones.
  if (error instanceof pg.DatabaseError) {
    const fields = Object.fromEntries(DATABASE_ERROR_FIELDS.map((field) => [field, error[field] ?? null]));
    return [400, { message: error.message, ...fields }];
  }
  // Refused, timed out or dropped connections: Neon answers failures outside Postgres with 500.
  return [500, { message: error instanceof Error ? error.message : String(error) }];
}
