import { describe, expect, it } from 'vitest';
import { api, type ProductBody, uniqueSku, write } from './api-client';

interface Page {
  items: ProductBody[];
  nextCursor: string | null;
}

/** Follows nextCursor to the end, calling `betweenPages` after each page. */
async function walk(query: string, betweenPages: () => Promise<void> = async () => {}): Promise<ProductBody[]> {
  const seen: ProductBody[] = [];
  let cursor: string | null = null;
  do {
    const response = await api(`/api/products?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(response.status).toBe(200);
    const page: Page = await response.json();
    seen.push(...page.items);
    cursor = page.nextCursor;
    await betweenPages();
  } while (cursor);
  return seen;
}

async function catalogSize(): Promise<number> {
  const stats = await (await api('/api/stats')).json<{ totals: { productCount: number } }>();
  return stats.totals.productCount;
}

const ids = (products: ProductBody[]) => products.map((p) => p.id);

describe('keyset pagination', () => {
  it.each(['id', 'price', '-price', 'newest'])('walks the whole catalog once with sort=%s', async (sort) => {
    const total = await catalogSize();
    const seen = await walk(`&sort=${sort}`);
    expect(seen).toHaveLength(total);
    expect(new Set(ids(seen)).size).toBe(total);
  });

  it('walks one category without gaps or duplicates', async () => {
    const categories = await (await api('/api/categories')).json<{
      items: Array<{ slug: string; productCount: number }>;
    }>();
    const garden = categories.items.find((c) => c.slug === 'garden')!;
    const seen = await walk('&category=garden&sort=price');
    expect(new Set(ids(seen)).size).toBe(garden.productCount);
    expect(seen).toHaveLength(garden.productCount);
  });

  it.each(['id', 'price', '-price', 'newest'])('stays exact under concurrent inserts with sort=%s', async (sort) => {
    const before = new Set(ids(await walk(`&sort=${sort}`)));
    const inserted: number[] = [];
    const seen = await walk(`&sort=${sort}`, async () => {
      // Prices at both ends of the range, so inserts land before and after the cursor.
      for (const priceCents of [0, 2_000_000]) {
        const response = await write('POST', '/api/products', {
          sku: uniqueSku('PAGE'),
          name: 'Inserted while paging',
          category: 'toys',
          priceCents,
        });
        inserted.push((await response.json<ProductBody>()).id);
      }
    });
    const seenIds = ids(seen);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    const seenSet = new Set(seenIds);
    expect([...before].filter((id) => !seenSet.has(id))).toEqual([]);
    expect(seenIds.filter((id) => !before.has(id) && !inserted.includes(id))).toEqual([]);
  });
});
