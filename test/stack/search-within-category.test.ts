// A search within a category takes one of two plans, chosen by looking the matches up first
// through the index of (category, 3-character substring) keys (product-queries.ts,
// migrations/0009): few are fetched by id and sorted, many are met on the ordered walk. Both must
// page exactly like the plain query: every match once, in order, for every sort. The Worker's own
// query code runs here through the real Neon driver against the local Neon endpoint, on a
// throwaway database with a category on each side of the threshold. The keys are only a filter,
// and must never drop a name that ILIKE matches: every substring of awkward names (case
// mappings, escapes, terms under 3 characters) is looked up and compared with ILIKE.
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
/** Names whose case mappings, wildcards and lengths could trip the keys up. */
const ODD_NAMES = [
  'İstanbul Çay Bardağı',
  'STRASSE straße Maß',
  'ǄEMAL ǅemal ǆ',
  'ΣΊΣΥΦΟΣ σίσυφος',
  '50%_off \\ sale_100%',
  'Crème Brûlée Æble',
  'ﬁne ligature ﬀ',
  'KELVIN \u212a 212A',
  '😀 smile 😀😀',
  'ab',
  'x',
  'Oak chair ÖAK',
];
/** LIKE's escapes, as the API applies them to a search term (written again here, not imported). */
const containing = (term: string) => `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
const ORDER_SQL: Record<ProductSort, string> = {
  id: 'id',
  price: 'price_cents, id',
  '-price': 'price_cents desc, id desc',
  newest: 'created_at desc, id desc',
};

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
  await sql.query(
    `WITH c AS (INSERT INTO categories (slug, name) VALUES ('odd', 'Odd') RETURNING id)
     INSERT INTO products (sku, name, category_id, price_cents) SELECT 'odd-' || n, name, c.id, n FROM c, unnest($1::text[]) WITH ORDINALITY AS t(name, n)`,
    [ODD_NAMES],
  );
  await sql.query('ANALYZE products');
  endpoint = await startNeonEndpoint({ port: 0, databaseUrl });
  db = createDb({ DATABASE_URL: databaseUrl, NEON_LOCAL_ENDPOINT: endpoint.url });
}, 60_000);

afterAll(async () => {
  await endpoint?.close();
  await sql?.end();
  await database.drop();
});

async function allPages(category: string, sort: ProductSort, q = 'oak'): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await listProducts(db, { category, q, sort, limit: 23, cursor });
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('search within a category', () => {
  it('looks the matches up on each side of the threshold', async () => {
    const counts = await sql.query<{ slug: string; n: number }>(
      `SELECT slug, cardinality(category_name_matches('oak', slug, $1)) AS n FROM categories WHERE slug <> 'odd' ORDER BY slug`,
      [FEW_MATCHES + 1],
    );
    expect(counts.rows).toEqual([
      { slug: 'few', n: 10 },
      { slug: 'many', n: FEW_MATCHES + 1 },
      { slug: 'none', n: 0 },
    ]);
  });

  it('finds every name ILIKE matches, for every substring of awkward names in any case', async () => {
    const terms = new Set<string>();
    for (const name of ODD_NAMES) {
      const chars = Array.from(name);
      for (let start = 0; start < chars.length; start++) {
        for (let end = start + 1; end <= chars.length; end++) {
          const term = chars.slice(start, end).join('');
          terms.add(term).add(term.toUpperCase()).add(term.toLowerCase());
        }
      }
    }
    const list = [...terms];
    expect(list.length).toBeGreaterThan(2000);
    const { rows } = await sql.query<{ term: string; expected: number[]; found: number[] }>(
      `SELECT t.term, e.ids AS expected, f.ids AS found
       FROM unnest($1::text[], $2::text[]) AS t(term, pattern),
         LATERAL (SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids FROM products
                  WHERE category_id = (SELECT id FROM categories WHERE slug = 'odd') AND name ILIKE t.pattern) e,
         LATERAL (SELECT coalesce(array_agg(id ORDER BY id), '{}') AS ids FROM unnest(category_name_matches(t.term, 'odd', 1000)) id) f
       WHERE e.ids IS DISTINCT FROM f.ids`,
      [list, list.map(containing)],
    );
    expect(rows).toEqual([]);
  });

  it('caps the ids it returns, and knows no unknown category', async () => {
    const { rows } = await sql.query(
      `SELECT cardinality(category_name_matches('oak', 'many', 7)) AS capped, category_name_matches('oak', 'nope', 7) AS unknown`,
    );
    expect(rows).toEqual([{ capped: 7, unknown: [] }]);
  });

  for (const [category, q] of [
    ['odd', '0%_'],
    ['odd', 'STRASSE'],
    ['odd', '\\ s'],
    ['odd', 'Öak'],
  ] as const) {
    it(`pages "${q}" in "${category}" (few, escapes and case mappings) like the plain query`, async () => {
      const expected = await sql.query<{ id: number }>(
        `SELECT id FROM products WHERE category_id = (SELECT id FROM categories WHERE slug = $1) AND name ILIKE $2 ORDER BY price_cents, id`,
        [category, containing(q)],
      );
      expect(expected.rows.length).toBeGreaterThan(0);
      expect(await allPages(category, 'price', q)).toEqual(expected.rows.map((row) => row.id));
    });
  }

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
