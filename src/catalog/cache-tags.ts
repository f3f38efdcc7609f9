// Which cached responses a product write affects. Lists filtered by category carry both their
// own tag and `by-category`, so a write that moves a product between categories can drop every
// category list without having to know the old category.

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

/** Exactly the tags a committed write makes stale. */
export function tagsForProductWrite(write: ProductWrite): string[] {
  const tags = [productTag(write.id), ALL_PRODUCTS_LIST];
  if (write.kind !== 'update') return [...tags, categoryListTag(write.category), CATEGORIES, STATS];
  if (write.changed.includes('category')) return [...tags, CATEGORY_LISTS, CATEGORIES, STATS];
  tags.push(categoryListTag(write.category));
  if (write.changed.includes('priceCents') || write.changed.includes('stock')) tags.push(STATS);
  return tags;
}
