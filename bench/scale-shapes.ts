// The read routes and query shapes `npm run bench:scale` times uncached: every sort with and
// without a category, first pages and deep cursors, common and rare searches, categories, stats.
import { type CursorKey, encodeCursor } from '../src/catalog/page-cursor';
import type { ProductSort } from '../src/schemas/product';

export interface QueryShape {
  name: string;
  /** Paths to cycle through (several where one value would let Postgres serve a single row from a warm page). */
  paths: string[];
}

/** The keyset position ~90 % of the way through each sort, overall and within the category. */
export type DeepKeys = Record<ProductSort, { all: CursorKey; inCategory: CursorKey }>;

export const SORTS: readonly ProductSort[] = ['id', 'price', '-price', 'newest'];
/** Terms of the k6 traffic model (each names many products) and terms that name none or almost none. */
export const COMMON_TERMS = ['lamp', 'walnut', 'oak', 'steel', 'wireless', 'mug', 'chair', 'kettle', 'leather', 'tent'];
export const RARE_TERMS = ['zzq', 'xylophone', 'qwv', 'nonexistent'];

export function queryShapes(category: string, productIds: number[], deep: DeepKeys): QueryShape[] {
  const list = (query: string) => `/api/products?${query}`;
  const shapes: QueryShape[] = [{ name: 'product by id', paths: productIds.map((id) => `/api/products/${id}`) }];
  for (const sort of SORTS) {
    shapes.push(
      { name: `list sort=${sort}`, paths: [list(`sort=${sort}&limit=20`)] },
      { name: `list sort=${sort}, category`, paths: [list(`sort=${sort}&category=${category}&limit=20`)] },
      {
        name: `list sort=${sort}, deep cursor`,
        paths: [list(`sort=${sort}&limit=100&cursor=${encodeCursor(sort, deep[sort].all)}`)],
      },
      {
        name: `list sort=${sort}, category, deep cursor`,
        paths: [
          list(`sort=${sort}&category=${category}&limit=100&cursor=${encodeCursor(sort, deep[sort].inCategory)}`),
        ],
      },
    );
  }
  for (const sort of SORTS) {
    shapes.push(
      { name: `search common, sort=${sort}`, paths: COMMON_TERMS.map((q) => list(`q=${q}&sort=${sort}&limit=20`)) },
      {
        name: `search common, sort=${sort}, category`,
        paths: COMMON_TERMS.map((q) => list(`q=${q}&sort=${sort}&category=${category}&limit=20`)),
      },
      { name: `search rare, sort=${sort}`, paths: RARE_TERMS.map((q) => list(`q=${q}&sort=${sort}&limit=20`)) },
      {
        name: `search rare, sort=${sort}, category`,
        paths: RARE_TERMS.map((q) => list(`q=${q}&sort=${sort}&category=${category}&limit=20`)),
      },
    );
  }
  shapes.push({ name: 'categories', paths: ['/api/categories'] }, { name: 'stats', paths: ['/api/stats'] });
  return shapes;
}

/** The p-th percentile (0–100) of `sorted` (ascending), nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
