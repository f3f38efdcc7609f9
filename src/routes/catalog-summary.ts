import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { cacheLayer } from '../cache';
import { CATEGORIES, STATS } from '../catalog/cache-tags';
import { loadCatalogStore } from '../catalog/load-catalog-store';
import type { AppEnv } from '../env';
import { validationHook } from '../http/validation-hook';
import { carriesApiToken } from '../middleware/require-api-token';
import { categoryListSchema, statsSchema } from '../schemas/catalog-summary';
import { documentedBody } from '../schemas/documented-body';
import { problemDoc } from '../schemas/problem';

const categories = createRoute({
  method: 'get',
  path: '/categories',
  tags: ['catalog'],
  summary: 'Categories with their product counts',
  // Counts change only when products are created, deleted or moved, and those writes invalidate it.
  middleware: [cacheLayer({ ttl: '5m', swr: '1h', tags: () => [CATEGORIES], trustsClient: carriesApiToken })] as const,
  responses: {
    200: { description: 'All categories', content: documentedBody('application/json', categoryListSchema) },
    503: problemDoc('Database unavailable'),
  },
});
const stats = createRoute({
  method: 'get',
  path: '/stats',
  tags: ['catalog'],
  summary: 'Per-category and catalog-wide price and stock aggregates',
  // The expensive aggregate: cached, invalidated by price, stock and catalog changes.
  middleware: [cacheLayer({ ttl: '60s', swr: '10m', tags: () => [STATS], trustsClient: carriesApiToken })] as const,
  responses: {
    200: { description: 'The aggregates', content: documentedBody('application/json', statsSchema) },
    503: problemDoc('Database unavailable'),
  },
});

/** `/api/categories` and `/api/stats`: aggregate views of the catalog. */
export const catalogSummaryRoute = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(categories, async (c) => {
    const store = await loadCatalogStore();
    return c.json(await store.listCategories(store.createDb(c.env)), 200);
  })
  .openapi(stats, async (c) => {
    const store = await loadCatalogStore();
    return c.json(await store.catalogStats(store.createDb(c.env)), 200);
  });
