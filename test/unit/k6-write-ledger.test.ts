import { describe, expect, it } from 'vitest';
import { OwnedProduct, outcomeOf, type ProductFields, type ProductRow } from '../../k6/lib/write-ledger';

const requested: ProductFields = {
  sku: 'FW-1',
  name: 'Fault probe fwrunv1x 1',
  description: 'd',
  category: 'tea',
  priceCents: 500,
  stock: 1,
};
const answer = (fields: Partial<ProductRow> = {}): ProductRow => ({
  ...requested,
  id: 7,
  updatedAt: '2026-12-07T10:00:00.000Z',
  ...fields,
});

function created(status = 201): OwnedProduct {
  const product = new OwnedProduct(requested);
  product.created(status, status === 201 ? answer() : undefined);
  return product;
}

describe('k6 write ledger: outcomes', () => {
  it('acknowledges 2xx, refuses 4xx, and knows nothing from anything else', () => {
    expect([200, 201, 204].map(outcomeOf)).toEqual(['acknowledged', 'acknowledged', 'acknowledged']);
    expect([400, 404, 409, 422, 429].map(outcomeOf)).toEqual(['refused', 'refused', 'refused', 'refused', 'refused']);
    expect([0, 500, 502, 503].map(outcomeOf)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });
});

describe('k6 write ledger: judging the database', () => {
  it('wants an acknowledged product exactly as acknowledged, updatedAt included', () => {
    const product = created();
    expect(product.judge(answer()).verdict).toBe('ok');
    expect(product.judge(undefined).verdict).toBe('lost');
    expect(product.judge(answer({ stock: 2 })).verdict).toBe('altered');
    expect(product.judge(answer({ updatedAt: '2026-12-07T10:00:01.000Z' })).verdict).toBe('altered');
    expect(product.judge(answer({ category: 'coffee' })).verdict).toBe('altered');
  });

  it('follows the last acknowledged update', () => {
    const product = created();
    product.updated(
      200,
      { priceCents: 900, stock: 2 },
      answer({ priceCents: 900, stock: 2, updatedAt: '2026-12-07T10:00:05.000Z' }),
    );
    expect(product.judge(answer({ priceCents: 900, stock: 2, updatedAt: '2026-12-07T10:00:05.000Z' })).verdict).toBe(
      'ok',
    );
    expect(product.judge(answer()).verdict).toBe('altered');
  });

  it('lets an update with an unknown outcome be applied or not, and says when it was', () => {
    const product = created();
    product.updated(503, { priceCents: 900, stock: 2 }, undefined);
    expect(product.judge(answer())).toEqual({ verdict: 'ok', unknownApplied: false });
    expect(product.judge(answer({ priceCents: 900, stock: 2, updatedAt: 'later' }))).toEqual({
      verdict: 'ok',
      unknownApplied: true,
    });
    expect(product.judge(answer({ priceCents: 900, stock: 3 })).verdict).toBe('altered');
    // A later acknowledgement settles it.
    product.updated(200, { priceCents: 950, stock: 3 }, answer({ priceCents: 950, stock: 3, updatedAt: 'ack' }));
    expect(product.judge(answer({ priceCents: 900, stock: 2, updatedAt: 'later' })).verdict).toBe('altered');
  });

  it('flags a refused update that shows', () => {
    const product = created();
    product.updated(422, { priceCents: 900, stock: 4, category: 'no-such-category' }, undefined);
    expect(product.judge(answer()).verdict).toBe('ok');
    expect(product.judge(answer({ priceCents: 900, stock: 4 })).verdict).toBe('refused-applied');
  });

  it('wants a refused create absent', () => {
    const product = created(409);
    expect(product.live).toBe(false);
    expect(product.judge(undefined).verdict).toBe('ok');
    expect(product.judge(answer()).verdict).toBe('refused-applied');
  });

  it('lets a create with an unknown outcome be there or not, with the values it asked for', () => {
    const product = created(503);
    expect(product.judge(undefined)).toEqual({ verdict: 'ok', unknownApplied: false });
    expect(product.judge(answer({ id: 99, updatedAt: 'any' }))).toEqual({ verdict: 'ok', unknownApplied: true });
    expect(product.judge(answer({ id: 99, stock: 5 })).verdict).toBe('altered');
  });

  it('wants an acknowledged delete gone, and lets an unknown one go either way', () => {
    const deleted = created();
    deleted.deleteAnswered(204);
    expect(deleted.live).toBe(false);
    expect(deleted.judge(undefined).verdict).toBe('ok');
    expect(deleted.judge(answer()).verdict).toBe('lost');
    const maybe = created();
    maybe.deleteAnswered(503);
    expect(maybe.judge(undefined)).toEqual({ verdict: 'ok', unknownApplied: true });
    expect(maybe.judge(answer())).toEqual({ verdict: 'ok', unknownApplied: false });
  });
});
