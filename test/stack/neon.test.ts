// Protocol conformance of the local Neon endpoint (stack/neon): the real @neondatabase/serverless
// driver, and Drizzle on top of it, run against the endpoint, and each answer is compared with the
// same work done by node-postgres straight over TCP.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import type { NeonQueryFunction } from '@neondatabase/serverless';
import { Client, NeonDbError, neon, neonConfig, Pool } from '@neondatabase/serverless';
import { eq } from 'drizzle-orm';
import { drizzle as drizzleHttp } from 'drizzle-orm/neon-http';
import { drizzle as drizzleWebSocket } from 'drizzle-orm/neon-serverless';
import { pgTable, serial, text } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import WebSocket from 'ws';
import { throwawayDatabase } from '../../stack/db/throwaway-database';
import type { FaultMode } from '../../stack/endpoint-kit';
import { startNeonEndpoint } from '../../stack/neon/server';
import { StackError } from '../../stack/stack-error';

// The stack's Postgres (embedded, or DATABASE_URL) hosts a throwaway database for this file.
const serverUrl = inject('stack').databaseUrl;
const database = throwawayDatabase(serverUrl, 'neon_ep');
const databaseUrl = database.url;
/** `host:port` of the database, as the driver names it in `?address=`. */
const databaseAuthority = new URL(databaseUrl).host;

const TYPES_QUERY = `SELECT
  9007199254740993::int8 AS big,
  12345678901234567890.123::numeric AS exact,
  true AS yes,
  '2024-02-29T12:34:56.789Z'::timestamptz AS at,
  '2024-02-29'::date AS day,
  '{"a": [1, "two", null]}'::jsonb AS doc,
  '\\x00ff10'::bytea AS bytes,
  ARRAY['a', 'b,c', '"q"', NULL]::text[] AS words,
  ARRAY[1, 2, 3]::int[] AS numbers,
  NULL::text AS nothing,
  'Grüße, 世界 🐘' AS unicode`;

const ERROR_FIELDS = [
  'message',
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

const widgets = pgTable('widgets', { id: serial('id').primaryKey(), name: text('name').notNull() });

let endpoint: Awaited<ReturnType<typeof startNeonEndpoint>>;
/** The reference: node-postgres straight over TCP. */
let direct: pg.Client;
/** `neon()` over HTTP. */
let sql: NeonQueryFunction<false, false>;
/** `Pool` over WebSocket. */
let pool: Pool;

beforeAll(async () => {
  await database.create();
  endpoint = await startNeonEndpoint({ port: 0, databaseUrl });
  const authority = new URL(endpoint.url).host;
  // What the Worker sets for the local stack, plus the WebSocket constructor Node needs.
  neonConfig.fetchEndpoint = () => `${endpoint.url}/sql`;
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.useSecureWebSocket = false;
  // connect() waits for the server here, so the fault and connection tests see when it fails. The
  // driver's default, which pipelines the password and resolves at once, has its own test below.
  neonConfig.pipelineConnect = false;
  neonConfig.wsProxy = (host, port) => `${authority}/v2?address=${host}:${port}`;

  direct = new pg.Client({ connectionString: databaseUrl });
  await direct.connect();
  await direct.query('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL CONSTRAINT items_name_key UNIQUE)');
  await direct.query('CREATE TABLE widgets (id serial PRIMARY KEY, name text NOT NULL)');
  await direct.query(`INSERT INTO widgets (name) VALUES ('sprocket'), ('gear')`);
  sql = neon(databaseUrl);
  pool = new Pool({ connectionString: databaseUrl });
});

afterAll(async () => {
  await pool?.end();
  await direct?.end();
  await endpoint?.close();
  await database.drop();
});

beforeEach(async () => {
  await postControl('reset');
  await direct.query('TRUNCATE items');
});

describe('neon() over HTTP', () => {
  it('parses every common type as node-postgres over TCP does', async () => {
    const rows = await sql.query(TYPES_QUERY);
    expect(rows).toEqual((await direct.query(TYPES_QUERY)).rows);
    expect(rows[0]).toMatchObject({
      big: '9007199254740993',
      exact: '12345678901234567890.123',
      yes: true,
      at: new Date('2024-02-29T12:34:56.789Z'),
      doc: { a: [1, 'two', null] },
      bytes: Buffer.from([0x00, 0xff, 0x10]),
      words: ['a', 'b,c', '"q"', null],
      numbers: [1, 2, 3],
      nothing: null,
      unicode: 'Grüße, 世界 🐘',
    });
  });

  it('sends parameters as node-postgres does: Date, object as JSON, arrays, bytes, null', async () => {
    const query = `SELECT $1::timestamptz AS at, $2::jsonb AS doc, $3::int[] AS numbers, $4::text[] AS words,
      $5::bytea AS bytes, $6::text AS nothing, $7::int8 AS big, $8::bool AS flag, $9::text AS unicode`;
    const params = [
      new Date('2024-05-06T07:08:09.010Z'),
      { nested: { ok: true, list: [1, 'x'] } },
      [1, 2, 3],
      ['x', 'y z', 'q"uote'],
      Buffer.from([0, 1, 255]),
      null,
      9007199254740993n,
      false,
      'naïve ☃',
    ];
    const rows = await sql.query(query, params);
    expect(rows).toEqual((await direct.query(query, params)).rows);
    expect(rows[0]).toMatchObject({ at: params[0], doc: params[1], words: params[3], big: '9007199254740993' });
  });

  it('answers full results with the fields node-postgres reports', async () => {
    const query = 'INSERT INTO items (id, name) VALUES (1, $1), (2, $2) RETURNING id, name';
    const viaHttp = await sql.query(query, ['a', 'b'], { fullResults: true });
    await direct.query('TRUNCATE items');
    const viaTcp = await direct.query(query, ['a', 'b']);
    expect(summary(viaHttp)).toEqual(summary(viaTcp));
    expect(summary(viaHttp)).toMatchObject({
      command: 'INSERT',
      rowCount: 2,
      rows: [
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
      ],
    });
  });

  it.each([
    'SELECT * FROM items',
    'UPDATE items SET name = name',
    'DELETE FROM items WHERE id < 0',
    'CREATE TEMP TABLE scratch (x int)',
    'SET search_path TO public',
  ])('reports the command and rowCount of "%s" as node-postgres does', async (query) => {
    await direct.query(`INSERT INTO items VALUES (1, 'a'), (2, 'b')`);
    const { command, rowCount } = await sql.query(query, [], { fullResults: true });
    const reference = await direct.query(query);
    expect({ command, rowCount }).toEqual({ command: reference.command, rowCount: reference.rowCount });
  });

  it('returns rows as arrays in array mode', async () => {
    const query = `SELECT 1 AS one, 'two' AS two`;
    const rows = await neon(databaseUrl, { arrayMode: true }).query(query);
    expect(rows).toEqual((await direct.query({ text: query, rowMode: 'array' })).rows);
    expect(rows).toEqual([[1, 'two']]);
  });
});

describe('database errors over HTTP', () => {
  it('reports a unique violation (23505) with its constraint, as node-postgres does', async () => {
    await direct.query(`INSERT INTO items VALUES (1, 'taken')`);
    const query = 'INSERT INTO items (id, name) VALUES ($1, $2)';
    const viaHttp = await rejectionOf(sql.query(query, [2, 'taken']));
    expect(viaHttp).toBeInstanceOf(NeonDbError);
    expect(errorFields(viaHttp)).toEqual(errorFields(await rejectionOf(direct.query(query, [2, 'taken']))));
    expect(viaHttp).toMatchObject({ code: '23505', constraint: 'items_name_key', table: 'items', schema: 'public' });
  });

  it('reports an undefined table (42P01) with its position, as node-postgres does', async () => {
    const query = 'SELECT * FROM no_such_table';
    const viaHttp = await rejectionOf(sql.query(query));
    expect(errorFields(viaHttp)).toEqual(errorFields(await rejectionOf(direct.query(query))));
    expect(viaHttp).toMatchObject({ code: '42P01', position: '15' });
  });

  it('rejects two statements in one string with 42601, as Neon does', async () => {
    await expect(sql.query('SELECT 1; SELECT 2')).rejects.toMatchObject({
      code: '42601',
      message: 'cannot insert multiple commands into a prepared statement',
    });
  });
});

describe('sql.transaction() over HTTP', () => {
  it('runs the batch in one transaction and returns each result', async () => {
    const [inserted, counted, first, second] = await sql.transaction([
      sql`INSERT INTO items VALUES (1, 'a') RETURNING id`,
      sql`SELECT count(*)::int AS n FROM items`,
      sql`SELECT txid_current() AS id`,
      sql`SELECT txid_current() AS id`,
    ]);
    expect(inserted).toEqual([{ id: 1 }]);
    expect(counted).toEqual([{ n: 1 }]);
    expect(first).toEqual(second);
    expect(await itemNames()).toEqual(['a']);
  });

  it('rolls back every statement when one fails', async () => {
    const failure = await rejectionOf(
      sql.transaction([sql`INSERT INTO items VALUES (1, 'a')`, sql`INSERT INTO items VALUES (2, 'a')`]),
    );
    expect(failure).toMatchObject({ code: '23505', constraint: 'items_name_key' });
    expect(await itemNames()).toEqual([]);
  });

  it('rejects a write in a read-only batch with 25006', async () => {
    await expect(sql.transaction([sql`INSERT INTO items VALUES (1, 'a')`], { readOnly: true })).rejects.toMatchObject({
      code: '25006',
    });
    expect(await itemNames()).toEqual([]);
  });

  it.each([
    ['Serializable', 'serializable'],
    ['RepeatableRead', 'repeatable read'],
    ['ReadCommitted', 'read committed'],
    ['ReadUncommitted', 'read uncommitted'],
  ] as const)('honors isolationLevel %s', async (isolationLevel, shown) => {
    const results = await sql.transaction([sql`SHOW transaction_isolation`], { isolationLevel });
    expect(results).toEqual([[{ transaction_isolation: shown }]]);
  });

  it('honors readOnly and deferrable', async () => {
    const [readOnly, deferrable] = await sql.transaction(
      [sql`SHOW transaction_read_only`, sql`SHOW transaction_deferrable`],
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
    );
    expect([readOnly, deferrable]).toEqual([[{ transaction_read_only: 'on' }], [{ transaction_deferrable: 'on' }]]);
  });

  it('does not reuse a connection that a lone BEGIN left inside a transaction', async () => {
    await sql`BEGIN ISOLATION LEVEL SERIALIZABLE`;
    expect(await sql`SHOW transaction_isolation`).toEqual([{ transaction_isolation: 'read committed' }]);
  });
});

describe('the HTTP protocol on the wire', () => {
  it('reads a text/plain body as JSON and answers text cells with field metadata', async () => {
    // fetch() labels a string body text/plain, as it does for the driver, which sets no Content-Type.
    const response = await postSql({
      query: 'SELECT $1::int + 1 AS n, $2::bool AS flag, $3 AS nothing',
      params: [41, true, null],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      command: 'SELECT',
      rowCount: 1,
      rowAsArray: true,
      fields: [
        { name: 'n', dataTypeID: 23, tableID: 0, columnID: 0, dataTypeSize: 4, dataTypeModifier: -1, format: 'text' },
        {
          name: 'flag',
          dataTypeID: 16,
          tableID: 0,
          columnID: 0,
          dataTypeSize: 1,
          dataTypeModifier: -1,
          format: 'text',
        },
        {
          name: 'nothing',
          dataTypeID: 25,
          tableID: 0,
          columnID: 0,
          dataTypeSize: -1,
          dataTypeModifier: -1,
          format: 'text',
        },
      ],
      rows: [['42', 't', null]],
    });
  });

  it('answers a database error with 400 and every error field, null when absent', async () => {
    const response = await postSql({ query: 'SELECT * FROM no_such_table' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual([...ERROR_FIELDS].sort());
    expect(body).toMatchObject({ code: '42P01', position: '15', severity: 'ERROR', detail: null, constraint: null });
  });

  it.each([
    ['not JSON', 'SELECT 1', /not valid JSON/],
    ['without a query', JSON.stringify({ sql: 'SELECT 1' }), /expected \{"query"/],
    ['with params that are not an array', JSON.stringify({ query: 'SELECT $1', params: 'x' }), /expected \{"query"/],
  ])('answers a body %s with 400 and a message', async (_, body, message) => {
    const response = await postSql(body);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: expect.stringMatching(message) });
  });

  it('answers an unknown isolation level with 400, as Neon does', async () => {
    const response = await postSql({ queries: [] }, { 'Neon-Batch-Isolation-Level': 'Chaos' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'invalid isolation level' });
  });

  it('refuses a connection string that names another server', async () => {
    const elsewhere = withUrl(databaseUrl, (url) => (url.hostname = 'db.example.com'));
    const otherPort = withUrl(databaseUrl, (url) => (url.port = '1'));
    await expect(neon(elsewhere)`SELECT 1`).rejects.toThrow(/^invalid hostname: this endpoint serves only /);
    await expect(neon(otherPort)`SELECT 1`).rejects.toThrow(/^invalid hostname/);
  });

  it('takes a connection string without a port as naming its own database, as poolQueryViaFetch sends it', async () => {
    const withoutPort = withUrl(databaseUrl, (url) => (url.port = ''));
    expect(new URL(withoutPort).port).toBe('');
    expect(await neon(withoutPort)`SELECT 7 AS seven`).toEqual([{ seven: 7 }]);
    neonConfig.poolQueryViaFetch = true;
    const viaFetch = new Pool({ connectionString: databaseUrl });
    try {
      expect((await viaFetch.query('SELECT $1::int + 1 AS next', [1])).rows).toEqual([{ next: 2 }]);
    } finally {
      neonConfig.poolQueryViaFetch = false;
      await viaFetch.end();
    }
  });

  it.runIf(['localhost', '127.0.0.1'].includes(new URL(databaseUrl).hostname))(
    'accepts localhost and 127.0.0.1 as the same host',
    async () => {
      const alias = new URL(databaseUrl).hostname === 'localhost' ? '127.0.0.1' : 'localhost';
      const aliased = withUrl(databaseUrl, (url) => (url.hostname = alias));
      expect(await neon(aliased)`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
    },
  );

  it('answers with a server error, not a hang, when Postgres is unreachable', async () => {
    const port = await closedPort();
    const unreachableUrl = withUrl(databaseUrl, (url) => (url.port = String(port)));
    const unreachable = await startNeonEndpoint({ port: 0, databaseUrl: unreachableUrl });
    const { fetchEndpoint } = neonConfig;
    neonConfig.fetchEndpoint = () => `${unreachable.url}/sql`;
    try {
      await expect(neon(unreachableUrl)`SELECT 1`).rejects.toThrow(/^Server error \(HTTP status 500\): .*ECONNREFUSED/);
    } finally {
      neonConfig.fetchEndpoint = fetchEndpoint;
      await unreachable.close();
    }
  });
});

describe('Pool and Client over WebSocket', () => {
  it('parses every common type as node-postgres over TCP does', async () => {
    expect((await pool.query(TYPES_QUERY)).rows).toEqual((await direct.query(TYPES_QUERY)).rows);
  });

  it('runs an interactive transaction: ROLLBACK writes nothing, COMMIT writes', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO items VALUES (1, 'rolled back')`);
      expect(await itemNames()).toEqual([]);
      await client.query('ROLLBACK');
      expect(await itemNames()).toEqual([]);

      await client.query('BEGIN');
      await client.query(`INSERT INTO items VALUES (2, 'committed')`);
      await client.query('COMMIT');
      expect(await itemNames()).toEqual(['committed']);
    } finally {
      client.release();
    }
  });

  it('reports SQLSTATE codes as node-postgres does', async () => {
    await direct.query(`INSERT INTO items VALUES (1, 'taken')`);
    const query = `INSERT INTO items VALUES (2, 'taken')`;
    const viaWebSocket = await rejectionOf(pool.query(query));
    expect(errorFields(viaWebSocket)).toEqual(errorFields(await rejectionOf(direct.query(query))));
    expect(viaWebSocket).toMatchObject({ code: '23505', constraint: 'items_name_key' });
  });

  it('closes the Postgres connection when the WebSocket closes', async () => {
    const applicationName = `ws_close_${randomBytes(4).toString('hex')}`;
    const client = new Client(withUrl(databaseUrl, (url) => url.searchParams.set('application_name', applicationName)));
    client.on('error', () => {}); // the abrupt close below is the point
    await client.connect();
    expect(await backendsNamed(applicationName)).toBe(1);
    // Drops the WebSocket without the Terminate message end() would send: only the proxy can end the session.
    client.connection.stream.destroy();
    await eventually(async () => (await backendsNamed(applicationName)) === 0);
  });

  it('closes the WebSocket when Postgres closes the connection, piping raw bytes both ways', async () => {
    const ws = openWebSocket(`/v2?address=${databaseAuthority}`);
    const received: Buffer[] = [];
    ws.on('message', (data) => received.push(data as Buffer));
    await new Promise((resolve) => ws.once('open', resolve));
    // A startup packet for protocol 0.0, which Postgres answers with ErrorResponse ('E') and a close.
    ws.send(Buffer.from([0, 0, 0, 8, 0, 0, 0, 0]));
    const [code] = await closeOf(ws);
    expect(code).toBe(1000);
    expect(String.fromCharCode(received[0]?.[0] ?? 0)).toBe('E');
  });

  it('closes the WebSocket with 1003 on a text frame', async () => {
    const ws = openWebSocket(`/v2?address=${databaseAuthority}`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('SELECT 1');
    expect(await closeOf(ws)).toEqual([1003, 'binary frames only']);
  });

  it.each([
    ['/v2 naming another host', '/v2?address=db.example.com:5432', 403],
    ['/v2 naming another port', `/v2?address=${new URL(databaseUrl).hostname}:1`, 403],
    ['/v2 with an address that names no host', '/v2?address=:5432', 400],
    ['another path', `/v1?address=${databaseAuthority}`, 404],
  ])('refuses an upgrade on %s', async (_, path, status) => {
    expect(await upgradeStatus(path)).toBe(status);
  });

  it('accepts the upgrade on / too', async () => {
    expect(await upgradeStatus(`/?address=${databaseAuthority}`)).toBe(101);
  });

  it("serves the driver's default connect, which pipelines a cleartext password, whatever auth Postgres uses", async () => {
    neonConfig.pipelineConnect = 'password';
    const pipelined = new Pool({ connectionString: databaseUrl });
    try {
      const results = await Promise.all([1, 2, 3].map((n) => pipelined.query('SELECT $1::int * 2 AS doubled', [n])));
      expect(results.map((result) => result.rows[0].doubled)).toEqual([2, 4, 6]);
      const client = await pipelined.connect();
      try {
        await client.query('BEGIN');
        expect((await client.query('SELECT count(*)::int AS n FROM widgets')).rows).toEqual([{ n: 2 }]);
        await client.query('ROLLBACK');
      } finally {
        client.release();
      }
    } finally {
      neonConfig.pipelineConnect = false;
      await pipelined.end();
    }
  });

  // With trust auth (a DATABASE_URL without a password) any password is accepted.
  it.runIf(new URL(databaseUrl).password !== '')(
    "answers a wrong password with Postgres's own error, pipelined or not",
    async () => {
      const wrong = withUrl(databaseUrl, (url) => (url.password = 'not-the-password'));
      for (const mode of [false, 'password'] as const) {
        neonConfig.pipelineConnect = mode;
        const rejected = new Pool({ connectionString: wrong });
        try {
          await expect(rejected.query('SELECT 1')).rejects.toMatchObject({ code: '28P01' });
        } finally {
          neonConfig.pipelineConnect = false;
          await rejected.end().catch(() => {});
        }
      }
    },
  );

  it("serves a Pool whose wsProxy names no address, as Neon's own endpoints are reached", async () => {
    const saved = neonConfig.wsProxy;
    neonConfig.wsProxy = () => `${new URL(endpoint.url).host}/v2`;
    const plain = new Pool({ connectionString: databaseUrl });
    try {
      expect((await plain.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
    } finally {
      await plain.end();
      neonConfig.wsProxy = saved;
    }
  });
});

describe('Drizzle', () => {
  it('runs a query through drizzle-orm/neon-http', async () => {
    const db = drizzleHttp({ client: neon(databaseUrl) });
    expect(await db.select().from(widgets).where(eq(widgets.name, 'gear'))).toEqual([{ id: 2, name: 'gear' }]);
  });

  it('runs a query through drizzle-orm/neon-serverless', async () => {
    const db = drizzleWebSocket({ client: pool });
    expect(await db.select().from(widgets).where(eq(widgets.name, 'gear'))).toEqual([{ id: 2, name: 'gear' }]);
  });
});

describe('fault injection', () => {
  it('error: /sql answers 503 and the driver throws at once', async () => {
    await postControl('fault', 'error');
    const started = performance.now();
    await expect(sql`SELECT 1`).rejects.toThrow('Server error (HTTP status 503)');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('error: a new WebSocket is closed at once', async () => {
    await postControl('fault', 'error');
    const started = performance.now();
    await expect(new Client(databaseUrl).connect()).rejects.toThrow(/terminated/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('hang: /sql holds the request until the caller aborts it', async () => {
    await postControl('fault', 'hang');
    const failure = await rejectionOf(
      sql.query('SELECT 1', [], { fetchOptions: { signal: AbortSignal.timeout(300) } }),
    );
    expect(failure).toMatchObject({ sourceError: { name: 'TimeoutError' } });
  });

  it('hang: a new WebSocket gets no bytes', async () => {
    await postControl('fault', 'hang');
    const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 300 });
    const started = performance.now();
    // The driver's socket drops pg's 'timeout expired' reason: the timeout surfaces as a termination.
    await expect(client.connect()).rejects.toThrow('Connection terminated unexpectedly');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('clearing the fault lets held requests go and restores service', async () => {
    await postControl('fault', 'hang');
    const heldRequest = rejectionOf(sql`SELECT 1`);
    const heldSocket = rejectionOf(new Client(databaseUrl).connect());
    await eventually(async () => endpoint.stats().requests === 1 && endpoint.stats().connections === 1);
    await postControl('reset');
    expect(await heldRequest).toMatchObject({ message: expect.stringMatching(/^Error connecting to database/) });
    expect(await heldSocket).toBeInstanceOf(Error);
    expect(await sql`SELECT 1 AS ok`).toEqual([{ ok: 1 }]);
    expect((await pool.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('slow: /sql runs the statement at once and answers delayMs later', async () => {
    await postControl('fault', 'slow', { delayMs: 400 });
    const started = performance.now();
    // The driver sends a query when it is awaited: then() starts it here.
    const answer = sql.query('INSERT INTO items VALUES (1, $1) RETURNING name', ['late']).then((rows) => rows);
    await eventually(async () => (await itemNames()).includes('late'));
    expect(performance.now() - started).toBeLessThan(400);
    expect(await answer).toEqual([{ name: 'late' }]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(390);
  });

  it('slow: a caller that gives up first has had its write applied all the same', async () => {
    await postControl('fault', 'slow', { delayMs: 5000 });
    const failure = await rejectionOf(
      sql.query('INSERT INTO items VALUES (1, $1)', ['committed'], {
        fetchOptions: { signal: AbortSignal.timeout(200) },
      }),
    );
    expect(failure).toMatchObject({ sourceError: { name: 'TimeoutError' } });
    expect(await itemNames()).toEqual(['committed']);
  });

  it('slow: clearing the fault sends the held answers at once', async () => {
    await postControl('fault', 'slow', { delayMs: 30_000 });
    const started = performance.now();
    const answer = sql`SELECT 1 AS ok`.then((rows) => rows);
    await eventually(async () => endpoint.stats().requests === 1);
    await postControl('fault', 'none');
    expect(await answer).toEqual([{ ok: 1 }]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('drop: /sql runs the statement, then cuts its answer off half-way', async () => {
    await postControl('fault', 'drop');
    const response = await postSql({ query: 'INSERT INTO items VALUES (1, $1) RETURNING name', params: ['dropped'] });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(await itemNames()).toEqual(['dropped']);
    await expect(sql`SELECT 1`).rejects.toThrow();
  });

  it('slow and drop: WebSocket sessions are served as usual', async () => {
    for (const mode of ['slow', 'drop'] as const) {
      await postControl('fault', mode);
      const started = performance.now();
      expect((await pool.query('SELECT 41 + 1 AS answer')).rows).toEqual([{ answer: 42 }]);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('answers an unknown fault mode, a bad delay and a request count with 400', async () => {
    const bodies = [
      '{"mode":"explode"}',
      '{"mode":"hang","delayMs":100}',
      '{"mode":"slow","delayMs":-1}',
      '{"mode":"slow","delayMs":"100"}',
      '{"mode":"error","requests":1}',
    ];
    for (const body of bodies) {
      const response = await fetch(`${endpoint.url}/_stack/fault`, { method: 'POST', body });
      expect(response.status, body).toBe(400);
      expect(await response.json()).toEqual({
        message: expect.stringContaining('"none" | "error" | "hang" | "slow" | "drop"'),
      });
    }
  });
});

describe('counters', () => {
  it('counts /sql requests, statements run over HTTP and WebSocket connections', async () => {
    await sql`SELECT 1`;
    await sql.transaction([sql`SELECT 1`, sql`SELECT 2`, sql`SELECT 3`]);
    const fresh = new Pool({ connectionString: databaseUrl });
    await fresh.query('SELECT 1');
    await fresh.end();
    const expected = { requests: 2, commands: 4, connections: 1 };
    expect(await (await fetch(`${endpoint.url}/_stack/stats`)).json()).toEqual(expected);
    expect(endpoint.stats()).toEqual(expected);
  });

  it('zeroes them on reset', async () => {
    await sql`SELECT 1`;
    expect(endpoint.stats()).toEqual({ requests: 1, commands: 1, connections: 0 });
    await postControl('reset');
    expect(endpoint.stats()).toEqual({ requests: 0, commands: 0, connections: 0 });
  });
});

describe('lifecycle', () => {
  it('rejects with a one-line StackError when the port is taken', async () => {
    const { port } = new URL(endpoint.url);
    const failure = await rejectionOf(startNeonEndpoint({ port: Number(port), databaseUrl }));
    expect(failure).toBeInstanceOf(StackError);
    expect(failure).toMatchObject({ message: `Port ${port} is already in use: stop what uses it or set NEON_PORT.` });
  });

  it('rejects a databaseUrl that is not a Postgres URL', async () => {
    const failure = startNeonEndpoint({ port: 0, databaseUrl: 'http://127.0.0.1:5432/db' });
    await expect(failure).rejects.toBeInstanceOf(StackError);
  });

  it('close() ends its pools, its WebSockets and its server', async () => {
    const applicationName = `close_${randomBytes(4).toString('hex')}`;
    const named = withUrl(databaseUrl, (url) => url.searchParams.set('application_name', applicationName));
    const second = await startNeonEndpoint({ port: 0, databaseUrl });
    const response = await fetch(`${second.url}/sql`, {
      method: 'POST',
      headers: { 'Neon-Connection-String': named },
      body: JSON.stringify({ query: 'SELECT 1' }),
    });
    expect(response.status).toBe(200);
    const ws = new WebSocket(`ws://${new URL(second.url).host}/v2?address=${databaseAuthority}`);
    await new Promise((resolve) => ws.once('open', resolve));
    expect(await backendsNamed(applicationName)).toBe(1);

    await second.close();
    expect((await closeOf(ws))[0]).toBe(1006);
    await eventually(async () => (await backendsNamed(applicationName)) === 0);
    await expect(fetch(`${second.url}/_stack/stats`)).rejects.toThrow();
  });
});

function withUrl(base: string, edit: (url: URL) => unknown): string {
  const url = new URL(base);
  edit(url);
  return url.toString();
}

async function postControl(route: 'reset'): Promise<void>;
async function postControl(route: 'fault', mode: FaultMode, options?: { delayMs?: number }): Promise<void>;
async function postControl(
  route: 'reset' | 'fault',
  mode?: FaultMode,
  options: { delayMs?: number } = {},
): Promise<void> {
  const response = await fetch(`${endpoint.url}/_stack/${route}`, {
    method: 'POST',
    body: JSON.stringify({ mode, ...options }),
  });
  expect(response.status).toBe(204);
}

/** A raw request as the driver sends it: no Content-Type, the connection string in a header. */
function postSql(body: string | object, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${endpoint.url}/sql`, {
    method: 'POST',
    headers: { 'Neon-Connection-String': databaseUrl, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function errorFields(error: unknown): Record<string, unknown> {
  const source = error as Record<string, unknown>;
  return Object.fromEntries(ERROR_FIELDS.map((field) => [field, source[field]]));
}

function summary({
  command,
  rowCount,
  rows,
  fields,
}: Pick<pg.QueryResult, 'command' | 'rowCount' | 'rows' | 'fields'>) {
  return { command, rowCount, rows, fields: fields.map((field) => ({ ...field })) };
}

async function itemNames(): Promise<string[]> {
  return (await direct.query<{ name: string }>('SELECT name FROM items ORDER BY id')).rows.map((row) => row.name);
}

async function backendsNamed(applicationName: string): Promise<number> {
  const { rows } = await direct.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
    [applicationName],
  );
  return rows[0]?.n ?? 0;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function openWebSocket(path: string): WebSocket {
  return new WebSocket(`ws://${new URL(endpoint.url).host}${path}`);
}

function closeOf(ws: WebSocket): Promise<[number, string]> {
  return new Promise((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])));
}

/** 101 when the endpoint accepts the upgrade, else the HTTP status it refuses it with. */
function upgradeStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = openWebSocket(path);
    ws.once('open', () => {
      resolve(101);
      ws.close();
    });
    ws.once('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    ws.on('error', reject);
  });
}
