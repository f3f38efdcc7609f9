import { describe, expect, it } from 'vitest';
import {
  ALL_PRODUCTS_LIST,
  CATEGORIES,
  CATEGORY_LISTS,
  productListTags,
  productTagsOfPage,
  STATS,
  tagsForProductWrite,
} from '../../../src/catalog/cache-tags';

describe('tags a product write invalidates', () => {
  it('create and delete touch the product, both list scopes, categories and stats', () => {
    expect(tagsForProductWrite({ kind: 'create', id: 7, category: 'tea' })).toEqual([
      'product:7',
      ALL_PRODUCTS_LIST,
      'products:list:category:tea',
      CATEGORIES,
      STATS,
    ]);
  });

  it('a rename touches the product and the lists it is in, not categories or stats', () => {
    expect(tagsForProductWrite({ kind: 'update', id: 7, category: 'tea', changed: ['name'] })).toEqual([
      'product:7',
      ALL_PRODUCTS_LIST,
      'products:list:category:tea',
    ]);
  });

  it('a price change touches the lists it sorts and stats', () => {
    expect(tagsForProductWrite({ kind: 'update', id: 7, category: 'tea', changed: ['priceCents'] })).toEqual([
      'product:7',
      ALL_PRODUCTS_LIST,
      'products:list:category:tea',
      STATS,
    ]);
  });

  it('a stock change touches the product (and so the pages that show it) and stats, no whole list scope', () => {
    expect(tagsForProductWrite({ kind: 'update', id: 7, category: 'tea', changed: ['stock'] })).toEqual([
      'product:7',
      STATS,
    ]);
    expect(tagsForProductWrite({ kind: 'update', id: 7, category: 'tea', changed: ['description', 'sku'] })).toEqual([
      'product:7',
    ]);
  });

  it("reads a list page's product tags off its body, and refuses a body it cannot read", () => {
    expect(productTagsOfPage('{"items":[{"id":3},{"id":11}],"nextCursor":null}')).toEqual(['product:3', 'product:11']);
    expect(productTagsOfPage('{"items":[],"nextCursor":null}')).toEqual([]);
    expect(() => productTagsOfPage('{"items":[{"id":"3"}]}')).toThrow();
    expect(() => productTagsOfPage('not json')).toThrow();
  });

  it('a category move touches every category list, categories and stats', () => {
    const tags = tagsForProductWrite({ kind: 'update', id: 7, category: 'desk', changed: ['category'] });
    expect(tags).toEqual(expect.arrayContaining([CATEGORY_LISTS, CATEGORIES, STATS]));
  });

  it('list pages carry the tags writes use', () => {
    expect(productListTags(undefined)).toEqual([ALL_PRODUCTS_LIST]);
    expect(productListTags('tea')).toEqual(['products:list:category:tea', CATEGORY_LISTS]);
  });
});
