import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { api, stack } from './api-client';

const paths = fc.oneof(
  { arbitrary: fc.constant('/api/products'), weight: 3 },
  fc.constantFrom('/api/products', '/api/categories', '/api/stats', '/health', '/openapi.json', '/api', '/'),
  // Never id 1: other test files read it.
  fc
    .string({ maxLength: 30 })
    .filter((id) => id.trim() !== '1')
    .map((id) => `/api/products/${encodeURIComponent(id)}`),
  fc
    .constantFrom('1500', '1999', '0', '-1', '2147483647', '2147483648', '99999999999999999999', '1e3', '%00')
    .map((id) => `/api/products/${id}`),
  fc.webPath().map((path) => `/api${path.startsWith('/') ? path : `/${path}`}`),
);

const SORTS = ['id', 'price', '-price', 'newest'] as const;
const toCursor = (parts: unknown[]) =>
  btoa(JSON.stringify(parts)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
const edgeValue = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    2 ** 31,
    2 ** 53,
    1e21,
    1e300,
    1.5,
    '1',
    '2026-01-01',
    '2026-01-01T00:00:00.000000Z',
    '9999-99-99T99:99:99.999999Z',
    '\u0000',
  ),
  fc.integer(),
);
/** Cursors that decode, for the right sort, but carry values at or past the edges of what SQL accepts. */
const forgedCursor = (sort: string) =>
  fc
    .tuple(edgeValue, edgeValue)
    .map(([first, second]) => toCursor(sort === 'id' ? [sort, first] : [sort, first, second]));
/** Text with the characters databases choke on: NUL, lone surrogates, bidi controls, emoji. */
const nastyText = fc
  .tuple(
    fc.string({ maxLength: 10 }),
    fc.constantFrom('\u0000', '\ud800', '\u202e', '😀', '%', '_', '\\'),
    fc.string({ maxLength: 10 }),
  )
  .map(([before, nasty, after]) => `${before}${nasty}${after}`);

/** Well-formed list queries whose values are hostile: these reach SQL if validation lets them. */
const hostileListQuery = fc
  .constantFrom(...SORTS)
  .chain((sort) =>
    fc.record(
      {
        sort: fc.constant(sort),
        cursor: forgedCursor(sort),
        q: nastyText,
        limit: fc.constantFrom('1', '100', '20'),
      },
      { requiredKeys: ['sort'] },
    ),
  )
  .map((query) => `?${new URLSearchParams(query as Record<string, string>).toString()}`);

const queryValue = fc.oneof(
  fc.string({ maxLength: 120 }),
  // Any code point, NUL and lone surrogates included.
  fc.string({ unit: 'binary', maxLength: 40 }),
  nastyText,
  fc.integer().map(String),
  fc.constantFrom('id', 'price', '-price', 'newest', 'kitchen', '', 'null', 'NaN', '1e9', 'eyJ4Ijox', 'WyJpZCIsMV0'),
);
const queryString = fc.oneof(
  fc
    .array(fc.tuple(fc.constantFrom('limit', 'cursor', 'category', 'q', 'sort', 'other', 'limit[]'), queryValue), {
      maxLength: 5,
    })
    .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : '')),
  hostileListQuery,
);

const headers = fc.record(
  {
    'Content-Type': fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      '',
    ),
    Authorization: fc.constantFrom(
      `Bearer ${stack.apiToken}`,
      'Bearer wrong',
      'Basic abc',
      '',
      `Bearer ${stack.apiToken} extra`,
    ),
    'Cache-Control': fc.constantFrom('no-cache', 'no-store', 'max-age=0', ''),
    'If-None-Match': fc.constantFrom('"abc"', '*', 'W/"x"', ''),
    'X-Request-Id': fc.oneof(
      fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
      fc.constant(''),
    ),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc
    .record(
      {
        sku: fc.oneof(fc.string({ maxLength: 70 }), fc.integer(), fc.string({ unit: 'binary', maxLength: 20 })),
        name: fc.oneof(fc.string({ maxLength: 210 }), fc.constant(null), nastyText),
        description: fc.oneof(fc.string({ maxLength: 50 }), nastyText),
        category: fc.constantFrom('kitchen', 'desk', 'nope', '', 'KITCHEN'),
        priceCents: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 31), fc.string()),
        stock: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.constant(null)),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
);

const request = fc.record({
  // Half GETs: most routes and every hostile query are reads.
  method: fc.oneof(
    { arbitrary: fc.constant('GET'), weight: 5 },
    { arbitrary: fc.constantFrom('HEAD', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'), weight: 5 },
  ),
  path: paths,
  query: queryString,
  headers,
  body,
});

describe('any request', () => {
  it('never gets a 5xx, and every 4xx is problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, query, headers: sent, body: payload }) => {
        const withBody = payload !== undefined && method !== 'GET' && method !== 'HEAD';
        const cleanHeaders = Object.fromEntries(Object.entries(sent).filter(([, value]) => value !== ''));
        const response = await api(`${path}${query}`, {
          method,
          headers: cleanHeaders,
          body: withBody ? payload : undefined,
        });
        await response.arrayBuffer();
        expect(response.status, `${method} ${path}${query}`).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.headers.get('Content-Type'), `${method} ${path}${query} → ${response.status}`).toBe(
            'application/problem+json',
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
