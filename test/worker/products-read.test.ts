import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../src/db/client';
import { api, authorized, type ProblemBody, type ProductBody, problemOf } from './api-client';

interface Page {
  items: ProductBody[];
  nextCursor: string | null;
}

const getPage = async (query: string) => {
  const response = await api(`/api/products${query}`);
  expect(response.status).toBe(200);
  return response.json<Page>();
};

describe('GET /api/products', () => {
  it('returns 20 products by id with a cursor to the next page', async () => {
    const page = await getPage('');
    expect(page.items).toHaveLength(20);
    expect(page.items.map((p) => p.id)).toEqual([...page.items.map((p) => p.id)].sort((a, b) => a - b));
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await getPage(`?cursor=${page.nextCursor}`);
    expect(next.items[0]!.id).toBeGreaterThan(page.items.at(-1)!.id);
  });

  it('shapes each product with the category slug and ISO timestamps', async () => {
    const [product] = (await getPage('?limit=1')).items;
    expect(product).toEqual({
      id: expect.any(Number),
      sku: expect.stringMatching(/^SKU-\d{6}$/),
      name: expect.any(String),
      description: expect.any(String),
      category: expect.stringMatching(/^[a-z0-9-]+$/),
      priceCents: expect.any(Number),
      stock: expect.any(Number),
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('filters by category slug', async () => {
    const page = await getPage('?category=kitchen&limit=50');
    expect(page.items.length).toBeGreaterThan(0);
    expect(new Set(page.items.map((p) => p.category))).toEqual(new Set(['kitchen']));
  });

  it('searches names case-insensitively', async () => {
    const page = await getPage('?q=LaMp&limit=100');
    expect(page.items.length).toBeGreaterThan(0);
    for (const product of page.items) expect(product.name.toLowerCase()).toContain('lamp');
  });

  it('treats LIKE wildcards in q literally', async () => {
    expect((await getPage('?q=%25%25%25')).items).toEqual([]);
    expect((await getPage('?q=___')).items).toEqual([]);
  });

  it.each([
    ['price', (a: ProductBody, b: ProductBody) => a.priceCents - b.priceCents || a.id - b.id],
    ['-price', (a: ProductBody, b: ProductBody) => b.priceCents - a.priceCents || b.id - a.id],
    ['newest', (a: ProductBody, b: ProductBody) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id],
  ])('orders by sort=%s', async (sort, compare) => {
    const page = await getPage(`?sort=${sort}&limit=100`);
    expect(page.items).toEqual([...page.items].sort(compare));
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['sort=name', 'query.sort'],
    ['q=a', 'query.q'],
    ['q=ab', 'query.q'],
    ['category=Not%20A%20Slug', 'query.category'],
  ])('rejects %s with 400 naming the field', async (query, field) => {
    const response = await api(`/api/products?${query}`);
    const problem = await problemOf(response);
    expect(response.status).toBe(400);
    expect(problem.contentType).toBe('application/problem+json');
    expect(problem.errors?.map((e) => e.path)).toContain(field);
  });

  it('rejects a forged or foreign cursor with 400', async () => {
    const forged = await api('/api/products?cursor=not-a-cursor');
    expect(forged.status).toBe(400);
    expect((await forged.json<ProblemBody>()).errors?.[0]?.path).toBe('cursor');
    const { nextCursor } = await getPage('?sort=price');
    const replayed = await api(`/api/products?sort=id&cursor=${nextCursor}`);
    expect(replayed.status).toBe(400);
  });
});

describe('GET /api/products/:id', () => {
  it('returns one product', async () => {
    const response = await api('/api/products/1');
    expect(response.status).toBe(200);
    expect(await response.json<ProductBody>()).toMatchObject({ id: 1, sku: 'SKU-000001' });
  });

  it.each(['999999', '2147483648', '9999999999'])('answers 404 problem+json for missing id %s', async (id) => {
    const response = await api(`/api/products/${id}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
  });

  it.each(['0', '-1', 'abc', '1.5', '01'])('answers 400 for malformed id %s', async (id) => {
    const response = await api(`/api/products/${id}`);
    expect(response.status).toBe(400);
    expect((await problemOf(response)).errors?.[0]?.path).toBe('param.id');
  });
});

describe('GET /api/categories', () => {
  it('lists the 25 categories with product counts', async () => {
    const response = await api('/api/categories');
    const body = await response.json<{
      items: Array<{ id: number; slug: string; name: string; productCount: number }>;
    }>();
    expect(response.status).toBe(200);
    expect(body.items).toHaveLength(25);
    expect(body.items[0]).toEqual({
      id: expect.any(Number),
      slug: 'audio',
      name: 'Audio',
      productCount: expect.any(Number),
    });
    expect(body.items.reduce((sum, c) => sum + c.productCount, 0)).toBeGreaterThanOrEqual(2000);
  });
});

describe('GET /api/stats', () => {
  it('aggregates per category and in total', async () => {
    const response = await api('/api/stats');
    const body = await response.json<{
      categories: Array<{
        slug: string;
        productCount: number;
        minPriceCents: number;
        avgPriceCents: number;
        maxPriceCents: number;
        totalStock: number;
      }>;
      totals: { productCount: number; minPriceCents: number; maxPriceCents: number; totalStock: number };
    }>();
    expect(response.status).toBe(200);
    expect(body.categories).toHaveLength(25);
    expect(body.categories.reduce((sum, c) => sum + c.productCount, 0)).toBe(body.totals.productCount);
    expect(body.categories.reduce((sum, c) => sum + c.totalStock, 0)).toBe(body.totals.totalStock);
    expect(Math.min(...body.categories.map((c) => c.minPriceCents))).toBe(body.totals.minPriceCents);
    for (const category of body.categories) {
      expect(category.minPriceCents).toBeLessThanOrEqual(category.avgPriceCents);
      expect(category.avgPriceCents).toBeLessThanOrEqual(category.maxPriceCents);
    }
  });

  it('agrees with Postgres aggregating the whole catalog itself (totals and rounded averages)', async () => {
    const body = await (await api('/api/stats', { headers: authorized({ 'Cache-Control': 'no-cache' }) })).json<{
      categories: Array<{ slug: string; avgPriceCents: number }>;
      totals: {
        productCount: number;
        minPriceCents: number;
        avgPriceCents: number;
        maxPriceCents: number;
        totalStock: number;
      };
    }>();
    const truth = await createDb(env).execute<Record<string, string | number>>(sql`
      select count(*)::int as "productCount", min(price_cents) as "minPriceCents", round(avg(price_cents))::int as "avgPriceCents",
             max(price_cents) as "maxPriceCents", sum(stock)::int as "totalStock" from products`);
    expect(body.totals).toEqual(truth.rows[0]);
    const perCategory = await createDb(env).execute<{ slug: string; avg: number }>(sql`
      select c.slug, round(avg(p.price_cents))::int as avg from categories c join products p on p.category_id = c.id group by c.slug`);
    const averages = Object.fromEntries(perCategory.rows.map((row) => [row.slug, row.avg]));
    for (const category of body.categories) expect(category.avgPriceCents).toBe(averages[category.slug]);
  });
});
