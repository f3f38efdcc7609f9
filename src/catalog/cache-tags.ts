// Which cached responses a product write affects. Lists filtered by category carry both their
// own tag and `by-category`, so a write that moves a product between categories can drop every
// category list without having to know the old category. Every list page also carries the tags
// of the products on it (content tags), so a write that cannot change which products a page
// shows or their order (stock, description, sku) drops only the pages that show that product.

export const productTag = (id: number | string) => `product:${id}`;
export const ALL_PRODUCTS_LIST = 'products:list:all';
export const CATEGORY_LISTS = 'products:list:by-category';
export const categoryListTag = (slug: string) => `products:list:category:${slug}`;
export const CATEGORIES = 'categories';
export const STATS = 'stats';

/** Tags of a list page: one filtered by category, or any page of the whole catalog (search included). */
export function productListTags(category: string | undefined): string[] {
  return category ? [categoryListTag(category), CATEGORY_LISTS] : [ALL_PRODUCTS_LIST];
}

export type ProductWrite =
  | { kind: 'create' | 'delete'; id: number; category: string }
  | { kind: 'update'; id: number; category: string; changed: readonly string[] };

/** Fields that decide which list pages a product is on and where: its category, sort keys, and the searched name. */
const PLACEMENT_FIELDS = new Set(['category', 'priceCents', 'name', 'createdAt']);
/** Fields the catalog statistics aggregate. */
const STATS_FIELDS = new Set(['priceCents', 'stock']);

/** Tags of a list page's products, read off its JSON body (`{ items: [{ id }…] }`). */
export function productTagsOfPage(body: string): string[] {
  const page = JSON.parse(body) as { items?: Array<{ id?: unknown }> };
  if (!Array.isArray(page.items)) return [];
  return page.items.map((item) => {
    if (!Number.isInteger(item.id)) throw new TypeError('A list item without an integer id');
    return productTag(item.id as number);
  });
}

/** Exactly the tags a committed write makes stale. */
export function tagsForProductWrite(write: ProductWrite): string[] {
  const tags = [productTag(write.id)];
  if (write.kind !== 'update') return [...tags, ALL_PRODUCTS_LIST, categoryListTag(write.category), CATEGORIES, STATS];
  if (write.changed.includes('category')) tags.push(ALL_PRODUCTS_LIST, CATEGORY_LISTS, CATEGORIES);
  else if (write.changed.some((field) => PLACEMENT_FIELDS.has(field)))
    tags.push(ALL_PRODUCTS_LIST, categoryListTag(write.category));
  if (write.changed.some((field) => STATS_FIELDS.has(field) || field === 'category')) tags.push(STATS);
  return tags;
}
