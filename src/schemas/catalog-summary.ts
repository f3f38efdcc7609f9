import { z } from '@hono/zod-openapi';

export const CategoryListSchema = z.object({
  items: z.array(z.object({
    id: z.number().int(),
    slug: z.string().openapi({ example: 'desk' }),
    name: z.string().openapi({ example: 'Desk' }),
    productCount: z.number().int(),
  }).openapi('Category')),
}).openapi('CategoryList');

const aggregateFields = {
  productCount: z.number().int(),
  minPriceCents: z.number().int().nullable(),
  avgPriceCents: z.number().nullable().openapi({ description: 'Rounded to whole cents' }),
  maxPriceCents: z.number().int().nullable(),
  totalStock: z.number().int(),
};

export const StatsSchema = z.object({
  categories: z.array(z.object({ slug: z.string(), name: z.string(), ...aggregateFields }).openapi('CategoryStats')),
  totals: z.object(aggregateFields).openapi('CatalogTotals'),
}).openapi('Stats');

export type CategoryList = z.infer<typeof CategoryListSchema>;
export type Stats = z.infer<typeof StatsSchema>;
