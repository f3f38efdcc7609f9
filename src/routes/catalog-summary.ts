import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { catalogStats, listCategories } from '../catalog/summary-queries';
import { createDb } from '../db/client';
import type { AppEnv } from '../env';
import { validationHook } from '../http/validation-hook';
import { CategoryListSchema, StatsSchema } from '../schemas/catalog-summary';
import { problemResponse as problemDoc } from '../schemas/problem';

const categories = createRoute({
  method: 'get', path: '/categories', tags: ['catalog'], summary: 'Categories with their product counts',
  responses: {
    200: { description: 'All categories', content: { 'application/json': { schema: CategoryListSchema } } },
    503: problemDoc('Database unavailable'),
  },
});
const stats = createRoute({
  method: 'get', path: '/stats', tags: ['catalog'], summary: 'Per-category and catalog-wide price and stock aggregates',
  responses: {
    200: { description: 'The aggregates', content: { 'application/json': { schema: StatsSchema } } },
    503: problemDoc('Database unavailable'),
  },
});

/** `/api/categories` and `/api/stats`: aggregate views of the catalog. */
export const catalogSummaryRoute = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(categories, async (c) => c.json(await listCategories(createDb(c.env)), 200))
  .openapi(stats, async (c) => c.json(await catalogStats(createDb(c.env)), 200));
