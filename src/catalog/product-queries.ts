import { and, asc, desc, eq, ilike, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/client';
import { query } from '../db/errors';
import { categories, products } from '../db/schema';
import type { Product, ProductCreate, ProductListParams, ProductSort, ProductUpdate } from '../schemas/product';
import { decodeCursor, encodeCursor, type CursorKey } from './page-cursor';

/** `created_at` at full microsecond precision, so a "newest" cursor never skips rows that share a millisecond. */
const createdAtExact = sql<string>`to_char(${products.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const productColumns = {
  id: products.id,
  sku: products.sku,
  name: products.name,
  description: products.description,
  priceCents: products.priceCents,
  stock: products.stock,
  createdAt: products.createdAt,
  updatedAt: products.updatedAt,
};

/** Columns for INSERT/UPDATE ... RETURNING, with the category slug looked up in the same statement. */
const returnedProduct = {
  ...productColumns,
  category: sql<string>`(select ${categories.slug} from ${categories} where ${categories.id} = ${products.categoryId})`,
};

interface ProductWithCategory {
  id: number;
  sku: string;
  name: string;
  description: string;
  category: string;
  priceCents: number;
  stock: number;
  createdAt: Date;
  updatedAt: Date;
}

function toProduct(row: ProductWithCategory): Product {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** ORDER BY and the keyset condition "after this cursor" for each sort; id breaks ties everywhere. */
const ORDERINGS: Record<ProductSort, { orderBy: SQL[]; after(key: CursorKey): SQL }> = {
  id: {
    orderBy: [asc(products.id)],
    after: ([id]) => sql`${products.id} > ${id}`,
  },
  price: {
    orderBy: [asc(products.priceCents), asc(products.id)],
    after: ([price, id]) => sql`(${products.priceCents}, ${products.id}) > (${price}, ${id})`,
  },
  '-price': {
    orderBy: [desc(products.priceCents), desc(products.id)],
    after: ([price, id]) => sql`(${products.priceCents}, ${products.id}) < (${price}, ${id})`,
  },
  newest: {
    orderBy: [desc(products.createdAt), desc(products.id)],
    after: ([createdAt, id]) => sql`(${products.createdAt}, ${products.id}) < (${createdAt}::timestamptz, ${id})`,
  },
};

function cursorKeyOf(sort: ProductSort, row: ProductWithCategory & { createdAtExact: string }): CursorKey {
  if (sort === 'id') return [row.id];
  if (sort === 'newest') return [row.createdAtExact, row.id];
  return [row.priceCents, row.id];
}

/** Escapes LIKE wildcards so a search for "50%" matches the text "50%". */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

/** One page in one statement: filters, keyset position and limit + 1 (to know whether more follow). */
export async function listProducts(db: Database, params: ProductListParams) {
  const ordering = ORDERINGS[params.sort];
  const conditions: SQL[] = [];
  if (params.category) conditions.push(eq(categories.slug, params.category));
  if (params.q) conditions.push(ilike(products.name, `%${escapeLike(params.q)}%`));
  if (params.cursor) conditions.push(ordering.after(decodeCursor(params.sort, params.cursor)));

  const rows = await query(db
    .select({ ...productColumns, category: categories.slug, createdAtExact })
    .from(products)
    .innerJoin(categories, eq(products.categoryId, categories.id))
    .where(and(...conditions))
    .orderBy(...ordering.orderBy)
    .limit(params.limit + 1));

  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > params.limit && last ? encodeCursor(params.sort, cursorKeyOf(params.sort, last)) : null;
  return { items: page.map(({ createdAtExact: _, ...row }) => toProduct(row)), nextCursor };
}

export async function getProduct(db: Database, id: number): Promise<Product | undefined> {
  const [row] = await query(db
    .select({ ...productColumns, category: categories.slug })
    .from(products)
    .innerJoin(categories, eq(products.categoryId, categories.id))
    .where(eq(products.id, id)));
  return row && toProduct(row);
}

/** A scalar subquery: NULL for an unknown slug, which the NOT NULL constraint turns into 23502. */
const categoryIdOf = (slug: string) => sql<number>`(select ${categories.id} from ${categories} where ${categories.slug} = ${slug})`;

export async function createProduct(db: Database, input: ProductCreate): Promise<Product> {
  const { category, ...fields } = input;
  const [row] = await query(db.insert(products).values({ ...fields, categoryId: categoryIdOf(category) }).returning(returnedProduct));
  return toProduct(row!);
}

export async function updateProduct(db: Database, id: number, input: ProductUpdate): Promise<Product | undefined> {
  const { category, ...fields } = input;
  const [row] = await query(db.update(products)
    .set({ ...fields, ...(category !== undefined && { categoryId: categoryIdOf(category) }), updatedAt: sql`now()` })
    .where(eq(products.id, id))
    .returning(returnedProduct));
  return row && toProduct(row);
}

/** The deleted product's category, or undefined when there was no such product. */
export async function deleteProduct(db: Database, id: number): Promise<{ category: string } | undefined> {
  const [row] = await query(db.delete(products).where(eq(products.id, id)).returning({ category: returnedProduct.category }));
  return row;
}
