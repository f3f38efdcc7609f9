import { describe, expect, it } from 'vitest';
import { api, type ProductBody, problemOf, stack, uniqueSku, write } from './api-client';

const newProduct = (overrides: Record<string, unknown> = {}) => ({
  sku: uniqueSku(),
  name: 'Test Walnut Lamp',
  description: 'made by a test',
  category: 'lighting',
  priceCents: 1999,
  stock: 3,
  ...overrides,
});

describe('POST /api/products', () => {
  it('creates a product: 201, Location, the product', async () => {
    const input = newProduct({ name: 'Lámpara ✓ 😀' });
    const response = await write('POST', '/api/products', input);
    const product = await response.json<ProductBody>();
    expect(response.status).toBe(201);
    expect(response.headers.get('Location')).toBe(`/api/products/${product.id}`);
    expect(product).toMatchObject({ ...input });
    expect(product.createdAt).toBe(product.updatedAt);
    const read = await api(`/api/products/${product.id}`);
    expect(await read.json()).toEqual(product);
  });

  it('applies defaults for description and stock', async () => {
    const { description: _d, stock: _s, ...input } = newProduct();
    const response = await write('POST', '/api/products', input);
    expect(await response.json()).toMatchObject({ description: '', stock: 0 });
  });

  it('answers 409 for a duplicate sku', async () => {
    const input = newProduct();
    expect((await write('POST', '/api/products', input)).status).toBe(201);
    const response = await write('POST', '/api/products', { ...input, name: 'Another' });
    expect(response.status).toBe(409);
    expect((await problemOf(response)).contentType).toBe('application/problem+json');
  });

  it('answers 422 for an unknown category', async () => {
    const response = await write('POST', '/api/products', newProduct({ category: 'no-such-category' }));
    expect(response.status).toBe(422);
    expect((await problemOf(response)).errors).toEqual([{ path: 'category', message: expect.any(String) }]);
  });

  it.each([
    ['a negative price', { priceCents: -1 }, 'json.priceCents'],
    ['a fractional price', { priceCents: 1.5 }, 'json.priceCents'],
    ['a price beyond int4', { priceCents: 2 ** 31 }, 'json.priceCents'],
    ['negative stock', { stock: -5 }, 'json.stock'],
    ['an empty name', { name: '  ' }, 'json.name'],
    ['an unknown field', { price_cents: 10 }, 'json'],
    ['a missing sku', { sku: undefined }, 'json.sku'],
  ])('answers 400 for %s', async (_label, overrides, field) => {
    const response = await write('POST', '/api/products', newProduct(overrides));
    const problem = await problemOf(response);
    expect(response.status).toBe(400);
    expect(problem.errors?.map((e) => e.path)).toContain(field);
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await api('/api/products', {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.apiToken}`, 'Content-Type': 'application/json' },
      body: '{"sku": ',
    });
    expect(response.status).toBe(400);
    expect((await problemOf(response)).detail).toMatch(/Malformed JSON/);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await api('/api/products', {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.apiToken}`, 'Content-Type': 'text/plain' },
      body: JSON.stringify(newProduct()),
    });
    expect(response.status).toBe(415);
  });

  it('answers 413 for a body over 64 KB', async () => {
    const response = await write('POST', '/api/products', newProduct({ description: 'x'.repeat(70_000) }));
    expect(response.status).toBe(413);
    expect((await problemOf(response)).contentType).toBe('application/problem+json');
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { Authorization: 'Bearer wrong-token' }],
    ['another scheme', { Authorization: 'Basic dXNlcjpwYXNz' }],
  ])('answers 401 with %s', async (_label, headers) => {
    const response = await api('/api/products', {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify(newProduct()),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toMatch(/^Bearer/);
    expect((await problemOf(response)).contentType).toBe('application/problem+json');
  });
});

describe('PATCH /api/products/:id', () => {
  it('updates the given fields and moves updatedAt forward', async () => {
    const created = await (await write('POST', '/api/products', newProduct())).json<ProductBody>();
    const response = await write('PATCH', `/api/products/${created.id}`, { priceCents: 2500, category: 'desk' });
    const updated = await response.json<ProductBody>();
    expect(response.status).toBe(200);
    expect(updated).toMatchObject({
      id: created.id,
      sku: created.sku,
      priceCents: 2500,
      category: 'desk',
      createdAt: created.createdAt,
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));
  });

  it('answers 404 for a missing product, 400 for an empty patch, 422 for an unknown category', async () => {
    expect((await write('PATCH', '/api/products/999999', { stock: 1 })).status).toBe(404);
    expect((await write('PATCH', '/api/products/1', {})).status).toBe(400);
    expect((await write('PATCH', '/api/products/1', { category: 'nope' })).status).toBe(422);
  });

  it('keeps one of the concurrent writes to the same product, whole', async () => {
    const created = await (await write('POST', '/api/products', newProduct())).json<ProductBody>();
    const writes = Array.from({ length: 20 }, (_, i) => ({ stock: 100 + i, priceCents: 1000 + i }));
    const responses = await Promise.all(writes.map((body) => write('PATCH', `/api/products/${created.id}`, body)));
    expect(responses.map((r) => r.status)).toEqual(writes.map(() => 200));
    const final = await (await api(`/api/products/${created.id}`)).json<ProductBody>();
    // Each write is atomic: stock and price always come from the same request.
    expect(final.priceCents - 1000).toBe(final.stock - 100);
    expect(writes).toContainEqual({ stock: final.stock, priceCents: final.priceCents });
  });
});

describe('DELETE /api/products/:id', () => {
  it('deletes, then answers 404', async () => {
    const created = await (await write('POST', '/api/products', newProduct())).json<ProductBody>();
    const response = await write('DELETE', `/api/products/${created.id}`);
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
    expect((await api(`/api/products/${created.id}`)).status).toBe(404);
    expect((await write('DELETE', `/api/products/${created.id}`)).status).toBe(404);
  });

  it('requires the token', async () => {
    expect((await api('/api/products/1', { method: 'DELETE' })).status).toBe(401);
    expect((await api('/api/products/1')).status).toBe(200);
  });
});
