import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

export const categories = pgTable(
  'categories',
  {
    id: serial('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
  },
  (table) => [uniqueIndex('categories_slug_key').on(table.slug)],
);

export const products = pgTable(
  'products',
  {
    id: serial('id').primaryKey(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id, { onDelete: 'restrict' }),
    priceCents: integer('price_cents').notNull(),
    stock: integer('stock').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('products_sku_key').on(table.sku),
    check('products_price_cents_nonnegative', sql`${table.priceCents} >= 0`),
    check('products_stock_nonnegative', sql`${table.stock} >= 0`),
    // Keyset pagination: (category_id, id) serves "by id within a category"; the primary key serves it overall.
    index('products_category_id_id_idx').on(table.categoryId, table.id),
    // Price ordering with id as the tie-breaker, overall and within a category.
    index('products_price_id_idx').on(table.priceCents, table.id),
    index('products_category_price_id_idx').on(table.categoryId, table.priceCents, table.id),
    // "newest" ordering, overall and within a category.
    index('products_created_at_id_idx').on(table.createdAt, table.id),
    index('products_category_created_at_id_idx').on(table.categoryId, table.createdAt, table.id),
    // Case-insensitive substring search on name (ILIKE '%q%') through pg_trgm, for searches without
    // a category (GIN serves any subset of its columns; the category beside the trigrams, btree_gin,
    // served searches within one until the index below).
    index('products_category_name_trgm_idx').using('gin', table.categoryId, sql`${table.name} gin_trgm_ops`),
    // A search within a category: keys "<category id>:<3 characters of lower(name)>" (function in
    // migrations/0009), so the lists intersected hold only that category's rows.
    index('products_category_name_trigrams_idx').using(
      'gin',
      sql`category_name_trigrams(${table.categoryId}, ${table.name})`,
    ),
  ],
);

/**
 * Per-category totals, kept by triggers on `products` in each write's own transaction
 * (migrations/0003_category_counters_triggers.sql), so categories and stats read 25 rows instead
 * of scanning the catalog. A category with no row has no products.
 */
export const categoryCounters = pgTable('category_counters', {
  categoryId: integer('category_id')
    .primaryKey()
    .references(() => categories.id, { onDelete: 'cascade' }),
  productCount: bigint('product_count', { mode: 'number' }).notNull().default(0),
  sumPriceCents: bigint('sum_price_cents', { mode: 'number' }).notNull().default(0),
  totalStock: bigint('total_stock', { mode: 'number' }).notNull().default(0),
});
