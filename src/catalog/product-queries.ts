import { and, asc, desc, eq, ilike, type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/client';
import { query } from '../db/errors';
import { categories, products } from '../db/schema';
import type { Product, ProductCreate, ProductListParams, ProductSort, ProductUpdate } from '../schemas/product';
import { type CursorKey, decodeCursor, encodeCursor } from './page-cursor';

/** A timestamp at full microsecond precision, so a "newest" cursor never skips rows that share a millisecond. */
const exactTime = (timestamp: SQL) =>
  sql<string>`to_char(${timestamp} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const createdAtExact = exactTime(sql`${products.createdAt}`);

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

/**
 * ORDER BY and the keyset condition "after this cursor" for each sort; id breaks ties everywhere.
 * `collectedOrderBy` is the same order on expressions no index yields (`+ 0`), for matches that
 * are few: Postgres then fetches and sorts them, and cannot choose to walk an ordered index past
 * every row instead. `categoryOrderBy` is the same order within one category, led by
 * `category_id` in the sort's direction: only the category's own index yields it (see prepareList).
 */
const ORDERINGS: Record<
  ProductSort,
  { orderBy: SQL[]; collectedOrderBy: SQL[]; categoryOrderBy: SQL[]; after(key: CursorKey): SQL }
> = {
  id: {
    orderBy: [asc(products.id)],
    collectedOrderBy: [sql`${products.id} + 0`],
    categoryOrderBy: [asc(products.categoryId), asc(products.id)],
    after: ([id]) => sql`${products.id} > ${id}`,
  },
  price: {
    orderBy: [asc(products.priceCents), asc(products.id)],
    collectedOrderBy: [sql`${products.priceCents} + 0`, sql`${products.id} + 0`],
    categoryOrderBy: [asc(products.categoryId), asc(products.priceCents), asc(products.id)],
    after: ([price, id]) => sql`(${products.priceCents}, ${products.id}) > (${price}, ${id})`,
  },
  '-price': {
    orderBy: [desc(products.priceCents), desc(products.id)],
    collectedOrderBy: [sql`${products.priceCents} + 0 desc`, sql`${products.id} + 0 desc`],
    categoryOrderBy: [desc(products.categoryId), desc(products.priceCents), desc(products.id)],
    after: ([price, id]) => sql`(${products.priceCents}, ${products.id}) < (${price}, ${id})`,
  },
  newest: {
    orderBy: [desc(products.createdAt), desc(products.id)],
    collectedOrderBy: [sql`${products.createdAt} + interval '0 s' desc`, sql`${products.id} + 0 desc`],
    categoryOrderBy: [desc(products.categoryId), desc(products.createdAt), desc(products.id)],
    after: ([createdAt, id]) => sql`(${products.createdAt}, ${products.id}) < (${createdAt}::timestamptz, ${id})`,
  },
};

/**
 * Matches of a search within a category looked up (through the category's trigram keys) before a
 * page is read: up to this many are fetched by id and sorted; more, and the ordered walk of the
 * category meets a page within ~21 × category size / this many rows. See
 * migrations/0009_category_name_trigrams.sql.
 */
export const FEW_MATCHES = 200;

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
  if (category)
    conditions.push(
      eq(
        products.categoryId,
        sql`(select ${categories.id} from ${categories} where ${categories.slug} = ${sql.placeholder('category')})`,
      ),
    );
  if (search) conditions.push(ilike(products.name, sql.placeholder('pattern')));
  if (cursor) conditions.push(ordering.after(CURSOR_PLACEHOLDERS));
  const name = `list_${sort}_${Number(category)}${Number(search)}${Number(cursor)}`;
  if (!(category && search)) return listPage(db, conditions, ordering.orderBy).prepare(name);
  // Postgres estimates "term and category" as if independent and, for a term common elsewhere but
  // rare in the category, walks the category's ordered index to its end. So the matches are
  // looked up first, once (up to FEW_MATCHES + 1 ids, through the index of (category, trigram)
  // keys), and their number lets exactly one of two branches run (a condition on it alone is
  // checked before any row): few matches fetched by id and sorted, or many met on the ordered
  // walk. Only one branch yields rows, in its order.
  const matches = sql`category_name_matches(${sql.placeholder('term')}, ${sql.placeholder('category')}, ${FEW_MATCHES + 1})`;
  const cursorCondition = cursor ? [ordering.after(CURSOR_PLACEHOLDERS)] : [];
  const few = listPage(
    db,
    [sql`cardinality(gate.ids) <= ${FEW_MATCHES}`, sql`${products.id} = any(gate.ids)`, ...cursorCondition],
    ordering.collectedOrderBy,
  );
  // Many: the walk, through an order only the category's own index yields (`categoryOrderBy`, led
  // by category_id; the category as `= any(array[…])`: with an equality category_id would be
  // constant and drop out of the order, and Postgres could walk the sort's global index past the
  // other categories' rows, as it did for id on the primary key). The name test is a column of
  // the walk, filtered outside it (OFFSET 0 keeps it there): the walk itself has no condition on
  // names to estimate, so no estimate of the term can send Postgres to collect and sort the
  // category instead, and with the limit outside Postgres plans the walk to start at once.
  // It stops when the page is full.
  const walk = db
    .select({
      ...productColumns,
      categoryId: products.categoryId,
      matches: sql<boolean>`${products.name} ilike ${sql.placeholder('pattern')}`.as('matches'),
    })
    .from(products)
    .where(
      and(
        sql`cardinality(gate.ids) > ${FEW_MATCHES}`,
        sql`${products.categoryId} = any(array[(select ${categories.id} from ${categories} where ${categories.slug} = ${sql.placeholder('category')})])`,
        ...cursorCondition,
      ),
    )
    .orderBy(...ordering.categoryOrderBy);
  const many = sql`select walk.id, walk.sku, walk.name, walk.description, walk.price_cents, walk.stock, walk.created_at, walk.updated_at,
    (select ${categories.slug} from ${categories} where ${categories.id} = walk.category_id) as category, ${exactTime(sql`walk.created_at`)} as created_at_exact
    from (${walk} offset 0) walk where walk.matches limit ${sql.placeholder('limit')}`;
  // OFFSET 0 keeps the ids a row of their own: without it Postgres folds the call into each branch's condition and looks them up twice.
  return db
    .select(FROM_PAGE_ROW)
    .from(sql`(select ${matches} as ids offset 0) gate cross join lateral ((${few}) union all (${many})) page`)
    .prepare(name);
}

function listPage(db: Database, conditions: SQL[], orderBy: SQL[]) {
  return db
    .select(PAGE_ROW)
    .from(products)
    .innerJoin(categories, eq(products.categoryId, categories.id))
    .where(and(...conditions))
    .orderBy(...orderBy)
    .limit(sql.placeholder('limit'));
}

/** A page row with names the outer query can refer to (`page.<name>`), and the same row read back from there. */
const PAGE_ROW = {
  ...productColumns,
  category: sql<string>`${categories.slug}`.as('category'),
  createdAtExact: sql<string>`${createdAtExact}`.as('created_at_exact'),
};
const FROM_PAGE_ROW = {
  id: sql`page.id`.mapWith(products.id),
  sku: sql`page.sku`.mapWith(products.sku),
  name: sql`page.name`.mapWith(products.name),
  description: sql`page.description`.mapWith(products.description),
  priceCents: sql`page.price_cents`.mapWith(products.priceCents),
  stock: sql`page.stock`.mapWith(products.stock),
  createdAt: sql`page.created_at`.mapWith(products.createdAt),
  updatedAt: sql`page.updated_at`.mapWith(products.updatedAt),
  category: sql<string>`page.category`,
  createdAtExact: sql<string>`page.created_at_exact`,
};

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
const preparedReads = new WeakMap<
  Database,
  { getProduct: ReturnType<typeof prepareGetProduct>; lists: Map<string, ReturnType<typeof prepareList>> }
>();

function readsOf(db: Database) {
  let reads = preparedReads.get(db);
  if (!reads) preparedReads.set(db, (reads = { getProduct: prepareGetProduct(db), lists: new Map() }));
  return reads;
}

/** One page in one statement: filters, keyset position and limit + 1 (to know whether more follow). */
export async function listProducts(db: Database, params: ProductListParams) {
  const shape: ListShape = {
    sort: params.sort,
    category: Boolean(params.category),
    search: Boolean(params.q),
    cursor: Boolean(params.cursor),
  };
  const shapeKey = `${shape.sort}:${shape.category}:${shape.search}:${shape.cursor}`;
  const { lists } = readsOf(db);
  let prepared = lists.get(shapeKey);
  if (!prepared) lists.set(shapeKey, (prepared = prepareList(db, shape)));
  const [cursor0, cursor1] = params.cursor ? decodeCursor(params.sort, params.cursor) : [];
  const rows = await query(
    prepared.execute({
      category: params.category,
      term: params.q,
      pattern: params.q && `%${escapeLike(params.q)}%`,
      cursor0,
      cursor1,
      limit: params.limit + 1,
    }),
  );

  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > params.limit && last ? encodeCursor(params.sort, cursorKeyOf(params.sort, last)) : null;
  return { items: page.map(({ createdAtExact: _, ...row }) => toProduct(row)), nextCursor };
}

export async function getProduct(db: Database, id: number): Promise<Product | undefined> {
  const [row] = await query(readsOf(db).getProduct.execute({ id }));
  return row && toProduct(row);
}

/** A scalar subquery: NULL for an unknown slug, which the NOT NULL constraint turns into 23502. */
const categoryIdOf = (slug: string) =>
  sql<number>`(select ${categories.id} from ${categories} where ${categories.slug} = ${slug})`;

export async function createProduct(db: Database, input: ProductCreate): Promise<Product> {
  const { category, ...fields } = input;
  const [row] = await query(
    db
      .insert(products)
      .values({ ...fields, categoryId: categoryIdOf(category) })
      .returning(returnedProduct),
  );
  return toProduct(row!);
}

export async function updateProduct(db: Database, id: number, input: ProductUpdate): Promise<Product | undefined> {
  const { category, ...fields } = input;
  const [row] = await query(
    db
      .update(products)
      .set({ ...fields, ...(category !== undefined && { categoryId: categoryIdOf(category) }), updatedAt: sql`now()` })
      .where(eq(products.id, id))
      .returning(returnedProduct),
  );
  return row && toProduct(row);
}

/** The deleted product's category, or undefined when there was no such product. */
export async function deleteProduct(db: Database, id: number): Promise<{ category: string } | undefined> {
  const [row] = await query(
    db.delete(products).where(eq(products.id, id)).returning({ category: returnedProduct.category }),
  );
  return row;
}
