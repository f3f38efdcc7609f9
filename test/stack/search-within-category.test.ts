// A search within a category takes one of two plans, chosen by counting the matches first
// (product-queries.ts, migrations/0007): few are collected and sorted, many are met on the
// ordered walk. Both must page exactly like the plain query: every match once, in order, for
// every sort. The Worker's own query code runs here through the real Neon driver against the
// local Neon endpoint, on a throwaway database with a category on each side of the threshold.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { FEW_MATCHES, listProducts } from '../../src/catalog/product-queries';
import { createDb, type Database } from '../../src/db/client';
import type { ProductSort } from '../../src/schemas/product';
import { migrateDatabase } from '../../stack/db/migrate';
import { throwawayDatabase } from '../../stack/db/throwaway-database';
import { startNeonEndpoint } from '../../stack/neon/server';

const database = throwawayDatabase(inject('stack').databaseUrl, 'search');
const databaseUrl = database.url;

/** Matches per category: more than FEW_MATCHES, a few, none. */
const OAK_PRODUCTS = { many: FEW_MATCHES + 100, few: 10, none: 0 };
const ORDER_SQL: Record<ProductSort, string> = { id: 'id', price: 'price_cents, id', '-price': 'price_cents desc, id desc', newest: 'created_at desc, id desc' };

let sql: pg.Client;
let endpoint: Awaited<ReturnType<typeof startNeonEndpoint>>;
let db: Database;

beforeAll(async () => {
  await database.create();
  await migrateDatabase(databaseUrl);
  sql = new pg.Client({ connectionString: databaseUrl });
  await sql.connect();
  for (const [slug, oaks] of Object.entries(OAK_PRODUCTS)) {
    // Prices and creation times repeat, so the id tie-breaker matters on every sort.
    await sql.query(
      `WITH c AS (INSERT INTO categories (slug, name) VALUES ($1, $1) RETURNING id)
       INSERT INTO products (sku, name, category_id, price_cents, created_at)
       SELECT $1 || '-' || n, CASE WHEN n <= $2 THEN 'Oak chair ' ELSE 'Pine table ' END || n, c.id,
              (n * 7) % 4, timestamptz '2026-01-01' + ((n % 13) * interval '1 hour')
       FROM c, generate_series(1, $2 + 150) n`,
      [slug, oaks],
    );
  }
  await sql.query('ANALYZE products');
  endpoint = await startNeonEndpoint({ port: 0, databaseUrl });
  db = createDb({ DATABASE_URL: databaseUrl, NEON_LOCAL_ENDPOINT: endpoint.url });
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  await sql?.end();
  await database.drop();
});

async function allPages(category: string, sort: ProductSort): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await listProducts(db, { category, q: 'oak', sort, limit: 23, cursor });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('search within a category', () => {
  it('counts the matches on each side of the threshold', async () => {
    const counts = await sql.query<{ slug: string; n: number }>(`SELECT slug, count_name_matches('%oak%', slug, $1) AS n FROM categories ORDER BY slug`, [FEW_MATCHES + 1]);
    expect(counts.rows).toEqual([{ slug: 'few', n: 10 }, { slug: 'many', n: FEW_MATCHES + 1 }, { slug: 'none', n: 0 }]);
  });

  for (const category of Object.keys(OAK_PRODUCTS)) {
    for (const sort of Object.keys(ORDER_SQL) as ProductSort[]) {
      it(`pages "${category}" sorted by ${sort} exactly like the plain query`, async () => {
        const expected = await sql.query<{ id: number }>(
          `SELECT id FROM products WHERE category_id = (SELECT id FROM categories WHERE slug = $1) AND name ILIKE '%oak%' ORDER BY ${ORDER_SQL[sort]}`,
          [category],
        );
        expect(await allPages(category, sort)).toEqual(expected.rows.map((row) => row.id));
      });
    }
  }
});
