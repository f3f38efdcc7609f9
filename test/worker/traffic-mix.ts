// The k6 traffic model's mix (k6/lib/traffic.ts), for driving the Worker from inside a test: Zipf
// product pages, list pages that follow cursors, searches, categories, stats, ~2 % writes and
// ~3 % `Cache-Control: no-cache` reads. Seeded, so a failing run can be replayed.
import { CATEGORIES, productListTags, productTag, STATS } from '../../src/catalog/cache-tags';

export const SORTS = ['id', 'price', '-price', 'newest'] as const;
export const CATEGORY_SLUGS = [
  'audio',
  'books',
  'cameras',
  'coffee',
  'desk',
  'kitchen',
  'lighting',
  'office',
  'tea',
  'tools',
];
export const SEARCH_TERMS = ['lamp', 'walnut', 'oak', 'steel', 'wireless', 'mug', 'chair', 'kettle'];

export type Action =
  | { kind: 'product'; id: number }
  | { kind: 'list'; sort: string; category?: string; pages: number }
  | { kind: 'search'; term: string }
  | { kind: 'categories' }
  | { kind: 'stats' }
  | { kind: 'write' };

/** One visitor action drawn from the mix. */
export function drawAction(random: () => number, productRank: () => number): Action {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const roll = random();
  if (roll < 0.02) return { kind: 'write' };
  if (roll < 0.6) return { kind: 'product', id: productRank() };
  if (roll < 0.8) {
    const pages = random() < 0.7 ? 1 : 1 + Math.ceil(random() * 3);
    return { kind: 'list', sort: pick(SORTS), category: random() < 0.6 ? pick(CATEGORY_SLUGS) : undefined, pages };
  }
  if (roll < 0.88) return { kind: 'search', term: pick(SEARCH_TERMS) };
  if (roll < 0.94) return { kind: 'categories' };
  return { kind: 'stats' };
}

/** The invalidation tags of the response at `path` (as the routes set them). */
export function tagsOfPath(path: string): readonly string[] {
  const url = new URL(path, 'http://x');
  if (url.pathname === '/api/stats') return [STATS];
  if (url.pathname === '/api/categories') return [CATEGORIES];
  const id = /^\/api\/products\/(\d+)$/.exec(url.pathname)?.[1];
  if (id) return [productTag(id)];
  return productListTags(url.searchParams.get('category') ?? undefined);
}
