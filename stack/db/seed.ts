import pg from 'pg';
import { seedCategories, seedProducts } from './catalog-data';

export const DEFAULT_PRODUCT_COUNT = 10_000;
const ROWS_PER_INSERT = 1_000;

export interface SeedResult {
  /** Seeded products written (inserted, or reset to their seeded values). */
  upserted: number;
  /** Products in the table afterwards: more than `upserted` when others were there before. */
  total: number;
  /** The highest product id before or after: every id a cache may hold an answer for is at most this. */
  highestProductId: number;
  /** Every category's slug. */
  categorySlugs: string[];
}

/**
 * Writes the deterministic catalog. Idempotent: categories upsert by slug and products by
 * sku, each reset to its seeded values, so a second run leaves the same rows. Products that are
 * not part of the seed stay, unless `reset` empties the table first (ids restart at 1).
 */
export async function seedDatabase(
  databaseUrl: string,
  productCount = DEFAULT_PRODUCT_COUNT,
  { reset = false } = {},
): Promise<SeedResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    const highestBefore = await highestProductId(client);
    if (reset) await client.query('TRUNCATE products RESTART IDENTITY');
    const categories = seedCategories();
    await client.query(
      `INSERT INTO categories (slug, name) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name`,
      [categories.map((c) => c.slug), categories.map((c) => c.name)],
    );
    const products = seedProducts(productCount);
    for (let start = 0; start < products.length; start += ROWS_PER_INSERT) {
      const rows = products.slice(start, start + ROWS_PER_INSERT);
      await client.query(
        `INSERT INTO products (sku, name, description, category_id, price_cents, stock, created_at, updated_at)
         SELECT p.sku, p.name, p.description, c.id, p.price_cents, p.stock, p.created_at, p.created_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::timestamptz[])
           AS p(sku, name, description, category_slug, price_cents, stock, created_at)
         JOIN categories c ON c.slug = p.category_slug
         ORDER BY p.sku
         ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description,
           category_id = EXCLUDED.category_id, price_cents = EXCLUDED.price_cents, stock = EXCLUDED.stock,
           created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at`,
        [
          rows.map((p) => p.sku),
          rows.map((p) => p.name),
          rows.map((p) => p.description),
          rows.map((p) => p.categorySlug),
          rows.map((p) => p.priceCents),
          rows.map((p) => p.stock),
          rows.map((p) => p.createdAt.toISOString()),
        ],
      );
    }
    const { rows } = await client.query<{ total: string }>('SELECT count(*) AS total FROM products');
    const slugs = await client.query<{ slug: string }>('SELECT slug FROM categories ORDER BY slug');
    const highestAfter = await highestProductId(client);
    await client.query('COMMIT');
    // Fresh statistics and visibility map at once: until autovacuum gets to it, Postgres would plan
    // searches of the new catalog from the old sample (or none), and read the table where an
    // index-only scan would do.
    await client.query('VACUUM (ANALYZE) products');
    return {
      upserted: products.length,
      total: Number(rows[0]?.total ?? 0),
      highestProductId: Math.max(highestBefore, highestAfter),
      categorySlugs: slugs.rows.map((row) => row.slug),
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

async function highestProductId(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ id: string | null }>('SELECT max(id) AS id FROM products');
  return Number(rows[0]?.id ?? 0);
}

/** True when the catalog has no products yet (first start). */
export async function isCatalogEmpty(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ empty: boolean }>('SELECT NOT EXISTS (SELECT 1 FROM products) AS empty');
    return rows[0]?.empty ?? true;
  } finally {
    await client.end();
  }
}
