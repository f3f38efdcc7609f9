// stack/db/catalog-data.ts: the deterministic catalog that the stack and `npm run db:seed` write.
import { describe, expect, it } from 'vitest';
import { seedCategories, seedProducts } from '../../stack/db/catalog-data';

describe('seed data', () => {
  it('is identical on every run and plausible', () => {
    const first = seedProducts(500);
    expect(seedProducts(500)).toEqual(first);
    expect(new Set(first.map((p) => p.sku)).size).toBe(500);
    expect(first.every((p) => p.priceCents >= 0 && p.stock >= 0 && p.name.length > 0)).toBe(true);
    const slugs = new Set(seedCategories().map((c) => c.slug));
    expect(slugs.size).toBe(25);
    expect(first.every((p) => slugs.has(p.categorySlug))).toBe(true);
  });
});
