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

/** A list query's shape: which optional conditions it has. Each shape is prepared once per client. */
interface ListShape {
  sort: ProductSort;
  category: boolean;
  search: boolean;
  cursor: boolean;
}

const CURSOR_PLACEHOLDERS = [sql.placeholder('cursor0'), sql.placeholder('cursor1')] as unknown as CursorKey;

function prepareList(db: Database, { sort, category, search, cursor }: ListShape) {
  const ordering = ORDERINGS[sort];
  const conditions: SQL[] = [];
  // The category's id as a scalar subquery (not a filter on the joined slug): Postgres then knows it
  // before it scans, and the (category_id, sort key, id) index yields the page in order with no sort.
  if (category) conditions.push(eq(products.categoryId, sql`(select ${categories.id} from ${categories} where ${categories.slug} = ${sql.placeholder('category')})`));
  if (search) conditions.push(ilike(products.name, sql.placeholder('pattern')));
  if (cursor) conditions.push(ordering.after(CURSOR_PLACEHOLDERS));
  return db
    .select({ ...productColumns, category: categories.slug, createdAtExact })
    .from(products)
    .innerJoin(categories, eq(products.categoryId, categories.id))
    .where(and(...conditions))
    .orderBy(...ordering.orderBy)
    .limit(sql.placeholder('limit'))
    .prepare(`list_${sort}_${Number(category)}${Number(search)}${Number(cursor)}`);
}

function prepareGetProduct(db: Database) {
  return db
    .select({ ...productColumns, category: categories.slug })
    .from(products)
    .innerJoin(categories, eq(products.categoryId, categories.id))
    .where(eq(products.id, sql.placeholder('id')))
    .prepare('get_product');
}

/**
 * Reads prepared once per client: building a query with Drizzle costs more CPU than the
 * database round trip's own work, and these run on every cache miss.
 */
const preparedReads = new WeakMap<Database, { getProduct: ReturnType<typeof prepareGetProduct>; lists: Map<string, ReturnType<typeof prepareList>> }>();

function readsOf(db: Database) {
  let reads = preparedReads.get(db);
  if (!reads) preparedReads.set(db, reads = { getProduct: prepareGetProduct(db), lists: new Map() });
  return reads;
}

/** One page in one statement: filters, keyset position and limit + 1 (to know whether more follow). */
export async function listProducts(db: Database, params: ProductListParams) {
  const shape: ListShape = { sort: params.sort, category: Boolean(params.category), search: Boolean(params.q), cursor: Boolean(params.cursor) };
  const shapeKey = `${shape.sort}:${shape.category}:${shape.search}:${shape.cursor}`;
  const { lists } = readsOf(db);
  let prepared = lists.get(shapeKey);
  if (!prepared) lists.set(shapeKey, prepared = prepareList(db, shape));
  const [cursor0, cursor1] = params.cursor ? decodeCursor(params.sort, params.cursor) : [];
  const rows = await query(prepared.execute({
    category: params.category, pattern: params.q && `%${escapeLike(params.q)}%`, cursor0, cursor1, limit: params.limit + 1,
  }));

  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > params.limit && last ? encodeCursor(params.sort, cursorKeyOf(params.sort, last)) : null;
  return { items: page.map(({ createdAtExact: _, ...row }) => toProduct(row)), nextCursor };
}

export async function getProduct(db: Database, id: number): Promise<Product | undefined> {
  const [row] = await query(readsOf(db).getProduct.execute({ id }));
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
