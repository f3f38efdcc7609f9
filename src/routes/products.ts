import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cacheLayer } from '../cache';
import { productListTags, productTag, productTagsOfPage, tagsForProductWrite } from '../catalog/cache-tags';
import { loadCatalogStore } from '../catalog/load-catalog-store';
import { MAX_INT4 } from '../db/int4';
import type { AppEnv } from '../env';
import { NotFoundError } from '../http/not-found-error';
import { validationHook } from '../http/validation-hook';
import { carriesApiToken, requireApiToken } from '../middleware/require-api-token';
import { requireJsonBody } from '../middleware/require-json-body';
import { writeBodyLimit } from '../middleware/write-body-limit';
import { documentedBody } from '../schemas/documented-body';
import { problemDoc } from '../schemas/problem';
import {
  PRODUCT_ID,
  ProductCreateSchema,
  ProductIdParam,
  type ProductListParams,
  ProductListQuery,
  ProductUpdateSchema,
  productPageSchema,
  productSchema,
} from '../schemas/product';

const bearer = [{ bearerAuth: [] }];
const json = <T>(schema: () => T, description: string) => ({
  description,
  content: documentedBody('application/json', schema),
});
const writeErrors = {
  400: problemDoc('Invalid body or parameters'),
  401: problemDoc('Missing or wrong bearer token'),
  413: problemDoc('Body larger than 64 KB'),
  415: problemDoc('Body is not application/json'),
  503: problemDoc('Database unavailable, or writes disabled (no API_TOKEN configured)'),
};

const parsedListQueries = new WeakMap<Request, ProductListParams | undefined>();

/** The list query as the handler will read it, or undefined when it is invalid (then it is not cached). Parsed once per request. */
const listQueryOf = (c: Context<AppEnv>): ProductListParams | undefined => {
  if (!parsedListQueries.has(c.req.raw)) {
    const parsed = ProductListQuery.safeParse(c.req.query());
    parsedListQueries.set(c.req.raw, parsed.success ? parsed.data : undefined);
  }
  return parsedListQueries.get(c.req.raw);
};

/**
 * List pages change with every write that can move products in their scope, and with writes to
 * the products they show (content tags), which invalidate them: the edge cache keeps them 5 min,
 * downstream caches 30 s. Keyed by the parsed query
 * (defaults filled in, unknown parameters dropped), so equivalent URLs share an entry and junk
 * parameters cannot multiply entries.
 */
const listCache = cacheLayer({
  ttl: '5m',
  cdnTtl: '30s',
  swr: '5m',
  when: (c) => listQueryOf(c) !== undefined,
  key: (c) => {
    const { limit, sort, category = '', q = '', cursor = '' } = listQueryOf(c)!;
    return `/api/products?${new URLSearchParams({ category, cursor, limit: String(limit), q, sort })}`;
  },
  tags: (c) => productListTags(listQueryOf(c)?.category),
  contentTags: (response) => productTagsOfPage(response.body),
  trustsClient: carriesApiToken,
});

/**
 * A product changes only through its own writes, which invalidate it: a long ttl in the edge
 * cache, a short one for caches that cannot be invalidated. Malformed ids are not cached.
 */
const productCache = cacheLayer({
  ttl: '10m',
  cdnTtl: '60s',
  swr: '10m',
  when: (c) => PRODUCT_ID.test(c.req.param('id') ?? ''),
  tags: (c) => [productTag(c.req.param('id')!)],
  trustsClient: carriesApiToken,
});

const list = createRoute({
  method: 'get',
  path: '/',
  tags: ['products'],
  summary: 'List products (keyset pagination)',
  middleware: [listCache] as const,
  request: { query: ProductListQuery },
  responses: {
    200: json(productPageSchema, 'A page of products'),
    400: problemDoc('Invalid query'),
    503: problemDoc('Database unavailable'),
  },
});
const getOne = createRoute({
  method: 'get',
  path: '/{id}',
  tags: ['products'],
  summary: 'Get one product',
  middleware: [productCache] as const,
  request: { params: ProductIdParam },
  responses: {
    200: json(productSchema, 'The product'),
    400: problemDoc('Invalid id'),
    404: problemDoc('No such product'),
    503: problemDoc('Database unavailable'),
  },
});
const create = createRoute({
  method: 'post',
  path: '/',
  tags: ['products'],
  summary: 'Create a product',
  security: bearer,
  middleware: [requireApiToken(), writeBodyLimit(), requireJsonBody()] as const,
  request: { body: { required: true, content: { 'application/json': { schema: ProductCreateSchema } } } },
  responses: {
    201: json(productSchema, 'Created; Location names the product'),
    ...writeErrors,
    409: problemDoc('Duplicate sku'),
    422: problemDoc('Unknown category'),
  },
});
const update = createRoute({
  method: 'patch',
  path: '/{id}',
  tags: ['products'],
  summary: 'Update some fields of a product',
  security: bearer,
  middleware: [requireApiToken(), writeBodyLimit(), requireJsonBody()] as const,
  request: {
    params: ProductIdParam,
    body: { required: true, content: { 'application/json': { schema: ProductUpdateSchema } } },
  },
  responses: {
    200: json(productSchema, 'The updated product'),
    ...writeErrors,
    404: problemDoc('No such product'),
    409: problemDoc('Duplicate sku'),
    422: problemDoc('Unknown category'),
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  tags: ['products'],
  summary: 'Delete a product',
  security: bearer,
  middleware: [requireApiToken()] as const,
  request: { params: ProductIdParam },
  responses: {
    204: { description: 'Deleted' },
    400: writeErrors[400],
    401: writeErrors[401],
    404: problemDoc('No such product'),
    503: writeErrors[503],
  },
});

const notFound = (id: string) => new NotFoundError(`No product with id ${id}.`);

/** `/api/products`: browse, search and page through the catalog; authenticated writes. */
export const productsRoute = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(list, async (c) => {
    const store = await loadCatalogStore();
    return c.json(await store.listProducts(store.createDb(c.env), c.req.valid('query')), 200);
  })
  .openapi(getOne, async (c) => {
    const { id } = c.req.valid('param');
    const store = await loadCatalogStore();
    const product = Number(id) <= MAX_INT4 ? await store.getProduct(store.createDb(c.env), Number(id)) : undefined;
    if (!product) throw notFound(id);
    return c.json(product, 200);
  })
  .openapi(create, async (c) => {
    const store = await loadCatalogStore();
    const product = await store.createProduct(store.createDb(c.env), c.req.valid('json'));
    await c.var.cache.invalidate(tagsForProductWrite({ kind: 'create', id: product.id, category: product.category }));
    c.header('Location', `/api/products/${product.id}`);
    return c.json(product, 201);
  })
  .openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const changes = c.req.valid('json');
    const store = await loadCatalogStore();
    const product =
      Number(id) <= MAX_INT4 ? await store.updateProduct(store.createDb(c.env), Number(id), changes) : undefined;
    if (!product) throw notFound(id);
    await c.var.cache.invalidate(
      tagsForProductWrite({
        kind: 'update',
        id: product.id,
        category: product.category,
        changed: Object.keys(changes),
      }),
    );
    return c.json(product, 200);
  })
  .openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const store = await loadCatalogStore();
    const deleted = Number(id) <= MAX_INT4 ? await store.deleteProduct(store.createDb(c.env), Number(id)) : undefined;
    if (!deleted) throw notFound(id);
    await c.var.cache.invalidate(tagsForProductWrite({ kind: 'delete', id: Number(id), category: deleted.category }));
    return c.body(null, 204);
  });
