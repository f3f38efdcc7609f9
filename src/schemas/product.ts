import { MAX_INT4 } from '../db/int4';
import { onFirstUse } from './documented-body';
import { z } from './zod';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Postgres text cannot hold NUL: refuse it here (400) rather than let the database fail (500). */
const text = () => z.string().refine((value) => !value.includes('\u0000'), 'must not contain NUL characters');

/** A product id in a path: a positive integer, no sign or leading zero. */
export const PRODUCT_ID = /^[1-9][0-9]{0,9}$/;

export const ProductIdParam = z.object({
  id: z
    .string()
    .regex(PRODUCT_ID, 'must be a positive integer')
    .openapi({ param: { name: 'id', in: 'path' }, example: '42' }),
});

/** A product as answers carry it (built on first use: `./documented-body`). */
export const productSchema = onFirstUse(() =>
  z
    .object({
      id: z.number().int().openapi({ example: 42 }),
      sku: z.string().openapi({ example: 'SKU-000042' }),
      name: z.string().openapi({ example: 'Compact Walnut Desk Lamp' }),
      description: z.string(),
      category: z.string().openapi({ description: 'Category slug', example: 'desk' }),
      priceCents: z.number().int().openapi({ example: 4999 }),
      stock: z.number().int().openapi({ example: 120 }),
      createdAt: z.iso.datetime().openapi({ example: '2026-01-01T00:00:00.000Z' }),
      updatedAt: z.iso.datetime().openapi({ example: '2026-01-01T00:00:00.000Z' }),
    })
    .openapi('Product'),
);

const productFields = {
  sku: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore only'),
  name: text().trim().min(1).max(200),
  description: text().max(2000),
  category: z.string().max(64).regex(SLUG, 'must be a category slug'),
  priceCents: z.number().int().min(0).max(MAX_INT4),
  stock: z.number().int().min(0).max(MAX_INT4),
};

export const ProductCreateSchema = z
  .strictObject({
    ...productFields,
    description: productFields.description.default(''),
    stock: productFields.stock.default(0),
  })
  .openapi('ProductCreate');

export const ProductUpdateSchema = z
  .strictObject({
    sku: productFields.sku.optional(),
    name: productFields.name.optional(),
    description: productFields.description.optional(),
    category: productFields.category.optional(),
    priceCents: productFields.priceCents.optional(),
    stock: productFields.stock.optional(),
  })
  .refine((update) => Object.keys(update).length > 0, { message: 'at least one field is required' })
  .openapi('ProductUpdate');

export const PRODUCT_SORTS = ['id', 'price', '-price', 'newest'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export const ProductListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().min(1).max(512).optional().openapi({ description: 'Opaque; `nextCursor` of the previous page.' }),
  category: z.string().max(64).regex(SLUG, 'must be a category slug').optional().openapi({ example: 'desk' }),
  // Three characters at least: a shorter substring has no trigram, so no index can find it.
  q: text()
    .trim()
    .min(3)
    .max(100)
    .optional()
    .openapi({ description: 'Case-insensitive substring search of names (3 characters or more)', example: 'lamp' }),
  sort: z.enum(PRODUCT_SORTS).default('id'),
});

export const productPageSchema = onFirstUse(() =>
  z
    .object({
      items: z.array(productSchema()),
      nextCursor: z.string().nullable(),
    })
    .openapi('ProductPage'),
);

export type Product = z.infer<ReturnType<typeof productSchema>>;
export type ProductCreate = z.infer<typeof ProductCreateSchema>;
export type ProductUpdate = z.infer<typeof ProductUpdateSchema>;
export type ProductListParams = z.infer<typeof ProductListQuery>;
