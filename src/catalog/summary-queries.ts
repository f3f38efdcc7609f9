import { asc, count, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { query } from '../db/errors';
import { categories, products } from '../db/schema';
import type { CategoryList, Stats } from '../schemas/catalog-summary';

export async function listCategories(db: Database): Promise<CategoryList> {
  const items = await query(db
    .select({ id: categories.id, slug: categories.slug, name: categories.name, productCount: count(products.id) })
    .from(categories)
    .leftJoin(products, eq(products.categoryId, categories.id))
    .groupBy(categories.id)
    .orderBy(asc(categories.slug)));
  return { items };
}

/** Per-category aggregates and the catalog totals in one statement (GROUPING SETS: the `()` set is the totals row). */
export async function catalogStats(db: Database): Promise<Stats> {
  const rows = await query(db.execute<{
    slug: string | null; name: string | null; product_count: string; min_price: number | null;
    avg_price: string | null; max_price: number | null; total_stock: string | null;
  }>(sql`
    select c.slug, c.name, count(p.id) as product_count, min(p.price_cents) as min_price,
           round(avg(p.price_cents)) as avg_price, max(p.price_cents) as max_price,
           coalesce(sum(p.stock), 0) as total_stock
    from ${categories} c left join ${products} p on p.category_id = c.id
    group by grouping sets ((c.id, c.slug, c.name), ())
    order by c.slug nulls last`));

  const aggregates = (row: (typeof rows.rows)[number]) => ({
    productCount: Number(row.product_count),
    minPriceCents: row.min_price,
    avgPriceCents: row.avg_price === null ? null : Number(row.avg_price),
    maxPriceCents: row.max_price,
    totalStock: Number(row.total_stock ?? 0),
  });
  const totalsRow = rows.rows.find((row) => row.slug === null);
  return {
    categories: rows.rows.filter((row) => row.slug !== null).map((row) => ({ slug: row.slug!, name: row.name!, ...aggregates(row) })),
    totals: totalsRow ? aggregates(totalsRow) : { productCount: 0, minPriceCents: null, avgPriceCents: null, maxPriceCents: null, totalStock: 0 },
  };
}
