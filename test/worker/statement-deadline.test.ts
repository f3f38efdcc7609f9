// Every database statement has a deadline (DATABASE_TIMEOUT_MS, 1500 ms by default): a database
// that stops answering costs a request that bound, then a 503 with Retry-After, never a hang.
import { neon } from '@neondatabase/serverless';
import { afterEach, describe, expect, it } from 'vitest';
import { useLocalNeonEndpoint } from '../../src/db/neon-local';
import {
  DEFAULT_DATABASE_TIMEOUT_MS,
  databaseTimeoutFrom,
  withStatementDeadline,
} from '../../src/db/statement-deadline';
import { api, authorized, type ProductBody, problemOf, setFault, stack, uniqueSku, write } from './api-client';
import { freshNamespace, isolate } from './cache-harness';

/** The default deadline, plus what a request spends around its statement (cache lookups, routing). */
const BOUND_MS = 2000;
/** Reads the database itself: the API token with `no-store` bypasses the cache. */
const fromDatabase = { headers: authorized({ 'Cache-Control': 'no-store' }) };

async function timed(request: Promise<Response>): Promise<{ response: Response; ms: number }> {
  const started = Date.now();
  const response = await request;
  return { response, ms: Date.now() - started };
}

async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('Retry-After')).toBe('5');
  const problem = await problemOf(response);
  expect(problem.contentType).toBe('application/problem+json');
  expect(problem).toMatchObject({ title: 'Service Unavailable', status: 503 });
}

async function createProduct(): Promise<ProductBody> {
  const sku = uniqueSku('DEADLINE');
  const response = await write('POST', '/api/products', {
    sku,
    name: `Deadline ${sku}`,
    category: 'kitchen',
    priceCents: 1000,
    stock: 5,
  });
  expect(response.status).toBe(201);
  return response.json<ProductBody>();
}

afterEach(() => setFault(stack.neonEndpoint, 'none'));

describe('a hanging database', () => {
  it('answers a cold read with 503 problem+json and Retry-After within the bound', async () => {
    await setFault(stack.neonEndpoint, 'hang');
    const { response, ms } = await timed(api(`/api/products?q=${uniqueSku('cold')}`));
    await expectUnavailable(response);
    expect(ms).toBeGreaterThanOrEqual(DEFAULT_DATABASE_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('answers a read past the cache the same way', async () => {
    await setFault(stack.neonEndpoint, 'hang');
    const { response, ms } = await timed(api('/api/products/1', fromDatabase));
    await expectUnavailable(response);
    expect(ms).toBeLessThan(BOUND_MS);
  });

  it('refuses a write with 503 within the bound, and never applies it', async () => {
    const product = await createProduct();
    await setFault(stack.neonEndpoint, 'hang');
    const { response, ms } = await timed(write('PATCH', `/api/products/${product.id}`, { stock: 77 }));
    await expectUnavailable(response);
    expect(ms).toBeLessThan(BOUND_MS);
    // Clearing the fault closes the held request: the endpoint never ran it.
    await setFault(stack.neonEndpoint, 'none');
    const stored = await api(`/api/products/${product.id}`, fromDatabase);
    expect((await stored.json<ProductBody>()).stock).toBe(5);
  });
});

describe('an answer that comes after the deadline', () => {
  it('is a 503 although the write was applied: a 503 write may or may not have taken effect', async () => {
    const product = await createProduct();
    await setFault(stack.neonEndpoint, 'slow', undefined, 3000);
    const { response, ms } = await timed(write('PATCH', `/api/products/${product.id}`, { stock: 42 }));
    await expectUnavailable(response);
    expect(ms).toBeLessThan(BOUND_MS);
    await setFault(stack.neonEndpoint, 'none');
    const stored = await api(`/api/products/${product.id}`, fromDatabase);
    expect((await stored.json<ProductBody>()).stock).toBe(42);
  });

  it('is a 503 when the connection drops mid-answer', async () => {
    await setFault(stack.neonEndpoint, 'drop');
    const { response, ms } = await timed(api('/api/products/1', fromDatabase));
    await expectUnavailable(response);
    expect(ms).toBeLessThan(BOUND_MS);
  });
});

describe('DATABASE_TIMEOUT_MS', () => {
  it('sets the deadline', async () => {
    const app = isolate(freshNamespace(), {}, { DATABASE_TIMEOUT_MS: '300' });
    await setFault(stack.neonEndpoint, 'hang');
    const started = Date.now();
    const response = await app.fetch(`/api/products?q=${uniqueSku('short')}`);
    await expectUnavailable(response);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('falls back to the default, reported, when it is not a positive number', () => {
    const reports: string[] = [];
    expect(databaseTimeoutFrom(undefined)).toBe(DEFAULT_DATABASE_TIMEOUT_MS);
    expect(databaseTimeoutFrom('250', (line) => reports.push(line))).toBe(250);
    for (const bad of ['0', '-5', 'soon'])
      expect(databaseTimeoutFrom(bad, (line) => reports.push(line))).toBe(DEFAULT_DATABASE_TIMEOUT_MS);
    expect(reports).toEqual([
      'DATABASE_TIMEOUT_MS="0" is not a positive number of ms; using 1500.',
      'DATABASE_TIMEOUT_MS="-5" is not a positive number of ms; using 1500.',
      'DATABASE_TIMEOUT_MS="soon" is not a positive number of ms; using 1500.',
    ]);
  });
});

describe('withStatementDeadline', () => {
  useLocalNeonEndpoint(stack.neonEndpoint);
  const sql = withStatementDeadline(neon(stack.databaseUrl), 300);

  it('bounds tagged templates, query() and transaction() alike', async () => {
    expect(await sql`SELECT ${41}::int + 1 AS answer`).toEqual([{ answer: 42 }]);
    expect(await sql.transaction([sql.query('SELECT 1 AS one'), sql`SELECT ${2}::int AS two`])).toEqual([
      [{ one: 1 }],
      [{ two: 2 }],
    ]);
    await setFault(stack.neonEndpoint, 'hang');
    for (const call of [
      () => sql`SELECT 1`,
      () => sql.query('SELECT 1'),
      () => sql.transaction([sql.query('SELECT 1')]),
    ]) {
      const started = Date.now();
      await expect(call()).rejects.toMatchObject({ sourceError: { name: 'TimeoutError' } });
      expect(Date.now() - started).toBeLessThan(1000);
    }
  });

  it('gives each call a deadline of its own, counted from when it is made', async () => {
    await setFault(stack.neonEndpoint, 'slow', undefined, 200);
    // Three in a row take longer than one deadline: each call got its own.
    for (let i = 0; i < 3; i++) expect(await sql.query('SELECT $1::int AS i', [i])).toEqual([{ i }]);
  });
});
