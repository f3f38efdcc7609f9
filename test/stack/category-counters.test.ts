// The per-category counters (migrations/0003) always equal a recount of products: after random
// sequences of every kind of write (multi-row inserts and upserts, updates that move products
// between categories, deletes, renames, truncates, rolled-back transactions), and after many
// clients write at once. Runs on a throwaway database of the stack's Postgres.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase } from '../../stack/db/migrate';
import { throwawayDatabase } from '../../stack/db/throwaway-database';

const database = throwawayDatabase(inject('stack').databaseUrl, 'counters');
const databaseUrl = database.url;
const CATEGORIES = 4;

let db: pg.Client;
let categoryIds: number[];
let nextSku = 0;

beforeAll(async () => {
  await database.create();
  await migrateDatabase(databaseUrl);
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO categories (slug, name) SELECT 'c' || n, 'C' || n FROM generate_series(1, ${CATEGORIES}) n RETURNING id`,
  );
  categoryIds = rows.map((row) => row.id);
}, 60_000);

afterAll(async () => {
  await db?.end();
  await database.drop();
});

/** Counters and a recount, per category (a category with no products counts zero either way). */
async function countersAndRecount(client: pg.Client = db) {
  const { rows } = await client.query<{ counted: string; recounted: string }>(`
    SELECT
      coalesce(jsonb_agg(jsonb_build_array(c.id, coalesce(k.product_count, 0), coalesce(k.sum_price_cents, 0), coalesce(k.total_stock, 0)) ORDER BY c.id), '[]') AS counted,
      coalesce(jsonb_agg(jsonb_build_array(c.id, coalesce(r.n, 0), coalesce(r.price, 0), coalesce(r.stock, 0)) ORDER BY c.id), '[]') AS recounted
    FROM categories c
    LEFT JOIN category_counters k ON k.category_id = c.id
    LEFT JOIN (SELECT category_id, count(*) AS n, sum(price_cents) AS price, sum(stock) AS stock FROM products GROUP BY category_id) r
      ON r.category_id = c.id`);
  return rows[0]!;
}

type Write =
  | { kind: 'insert'; rows: Array<{ category: number; price: number; stock: number }> }
  | { kind: 'upsertExisting'; price: number }
  | { kind: 'update'; modulo: number; price?: number; stock?: number; category?: number }
  | { kind: 'rename'; modulo: number }
  | { kind: 'delete'; modulo: number }
  | { kind: 'truncate' }
  | { kind: 'rolledBack'; category: number };

const category = fc.integer({ min: 0, max: CATEGORIES - 1 });
const price = fc.integer({ min: 0, max: 100_000 });
const stock = fc.integer({ min: 0, max: 500 });
const modulo = fc.integer({ min: 1, max: 5 });
const write: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      rows: fc.array(fc.record({ category, price, stock }), { minLength: 1, maxLength: 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('upsertExisting' as const), price }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      modulo,
      price: fc.option(price, { nil: undefined }),
      stock: fc.option(stock, { nil: undefined }),
      category: fc.option(category, { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), modulo }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), modulo }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'truncate' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rolledBack' as const), category }) },
);

async function apply(client: pg.Client, step: Write): Promise<void> {
  switch (step.kind) {
    case 'insert':
      await client.query(
        `INSERT INTO products (sku, name, category_id, price_cents, stock)
         SELECT 'sku-' || s, 'Product ' || s, c, p, k FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) AS t(s, c, p, k)`,
        [
          step.rows.map(() => `${process.pid}-${nextSku++}`),
          step.rows.map((row) => categoryIds[row.category]),
          step.rows.map((row) => row.price),
          step.rows.map((row) => row.stock),
        ],
      );
      return;
    case 'upsertExisting':
      // The seed's statement shape: rows that exist become updates, the rest inserts.
      await client.query(
        `INSERT INTO products (sku, name, category_id, price_cents, stock)
         SELECT sku, name, category_id, $1::int, stock + 1 FROM products WHERE id % 3 = 0
         UNION ALL SELECT 'sku-' || $2::text, 'New', $3::int, $1::int, 1
         ON CONFLICT (sku) DO UPDATE SET price_cents = EXCLUDED.price_cents, stock = EXCLUDED.stock`,
        [step.price, `${process.pid}-${nextSku++}`, categoryIds[0]],
      );
      return;
    case 'update': {
      const sets = [
        step.price !== undefined && `price_cents = ${step.price}`,
        step.stock !== undefined && `stock = ${step.stock}`,
        step.category !== undefined && `category_id = ${categoryIds[step.category]}`,
      ].filter(Boolean);
      if (sets.length) await client.query(`UPDATE products SET ${sets.join(', ')} WHERE id % ${step.modulo} = 0`);
      return;
    }
    case 'rename':
      await client.query(`UPDATE products SET name = name || '!' WHERE id % ${step.modulo} = 0`);
      return;
    case 'delete':
      await client.query(`DELETE FROM products WHERE id % ${step.modulo + 1} = 0`);
      return;
    case 'truncate':
      await client.query('TRUNCATE products');
      return;
    case 'rolledBack':
      await client.query('BEGIN');
      await client.query(`UPDATE products SET category_id = $1, price_cents = price_cents + 7`, [
        categoryIds[step.category],
      ]);
      await client.query(
        `INSERT INTO products (sku, name, category_id, price_cents) VALUES ('gone-' || $1::text, 'Gone', $2, 5)`,
        [`${nextSku++}`, categoryIds[step.category]],
      );
      await client.query('ROLLBACK');
  }
}

describe('category counters', () => {
  it('equal a recount after any sequence of writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 12 }), async (steps) => {
        await db.query('TRUNCATE products');
        for (const step of steps) await apply(db, step);
        const { counted, recounted } = await countersAndRecount();
        expect(counted).toEqual(recounted);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('equal a recount after many clients write at once, moving products both ways', async () => {
    await db.query('TRUNCATE products');
    await apply(db, {
      kind: 'insert',
      rows: Array.from({ length: 200 }, (_, i) => ({ category: i % CATEGORIES, price: i * 10, stock: i % 7 })),
    });
    const clients = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        return client;
      }),
    );
    // Statements that lock one product row each (or only new ones), so any deadlock would be the
    // counters' own: single-row moves between the same categories in both directions, multi-category
    // inserts, updates, deletes, and transactions committed or rolled back.
    const oneRow = (client: pg.Client, c: number, i: number) => {
      const from = categoryIds[(c + i) % CATEGORIES];
      const to = categoryIds[(c + i + 1 + (i % 2)) % CATEGORIES];
      const pick = `(SELECT id FROM products WHERE category_id = ${from} ORDER BY random() LIMIT 1)`;
      switch (i % 5) {
        case 0:
          return client.query(
            `UPDATE products SET category_id = ${to}, price_cents = price_cents + 1 WHERE id = ${pick}`,
          );
        case 1:
          return client.query(
            `UPDATE products SET category_id = ${from}, stock = stock + 2 WHERE id = (SELECT id FROM products WHERE category_id = ${to} ORDER BY random() LIMIT 1)`,
          );
        case 2:
          return apply(client, {
            kind: 'insert',
            rows: [
              { category: c % CATEGORIES, price: i, stock: 1 },
              { category: (c + 2) % CATEGORIES, price: 2 * i, stock: 3 },
            ],
          });
        case 3:
          return client.query(`DELETE FROM products WHERE id = ${pick}`);
        default:
          return (async () => {
            await client.query('BEGIN');
            await client.query(
              `UPDATE products SET price_cents = price_cents + 100, category_id = ${to} WHERE id = ${pick}`,
            );
            await client.query(i % 2 ? 'ROLLBACK' : 'COMMIT');
          })();
      }
    };
    try {
      await Promise.all(
        clients.map(async (client, c) => {
          for (let i = 0; i < 60; i++) await oneRow(client, c, i);
        }),
      );
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    const { counted, recounted } = await countersAndRecount();
    expect(counted).toEqual(recounted);
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM products');
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
  }, 120_000);
});
