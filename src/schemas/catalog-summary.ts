import { onFirstUse } from './documented-body';
import { z } from './zod';

// Response schemas: built on first use (`./documented-body`).

export const categoryListSchema = onFirstUse(() =>
  z
    .object({
      items: z.array(
        z
          .object({
            id: z.number().int(),
            slug: z.string().openapi({ example: 'desk' }),
            name: z.string().openapi({ example: 'Desk' }),
            productCount: z.number().int(),
          })
          .openapi('Category'),
      ),
    })
    .openapi('CategoryList'),
);

export const statsSchema = onFirstUse(() => {
  const aggregateFields = {
    productCount: z.number().int(),
    minPriceCents: z.number().int().nullable(),
    avgPriceCents: z.number().nullable().openapi({ description: 'Rounded to whole cents' }),
    maxPriceCents: z.number().int().nullable(),
    totalStock: z.number().int(),
  };
  return z
    .object({
      categories: z.array(
        z.object({ slug: z.string(), name: z.string(), ...aggregateFields }).openapi('CategoryStats'),
      ),
      totals: z.object(aggregateFields).openapi('CatalogTotals'),
    })
    .openapi('Stats');
});

export type CategoryList = z.infer<ReturnType<typeof categoryListSchema>>;
export type Stats = z.infer<ReturnType<typeof statsSchema>>;
