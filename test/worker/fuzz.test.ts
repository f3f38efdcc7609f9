import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { api, stack } from './api-client';

const paths = fc.oneof(
  fc.constantFrom('/api/products', '/api/categories', '/api/stats', '/health', '/openapi.json', '/api', '/'),
  // Never id 1: other test files read it.
  fc.string({ maxLength: 30 }).filter((id) => id.trim() !== '1').map((id) => `/api/products/${encodeURIComponent(id)}`),
  fc.constantFrom('1500', '1999', '0', '-1', '2147483647', '2147483648', '99999999999999999999', '1e3', '%00').map((id) => `/api/products/${id}`),
  fc.webPath().map((path) => `/api${path.startsWith('/') ? path : `/${path}`}`),
);

const queryValue = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.integer().map(String),
  fc.constantFrom('id', 'price', '-price', 'newest', 'kitchen', '', 'null', 'NaN', '1e9', 'eyJ4Ijox', 'WyJpZCIsMV0'),
);
const queryString = fc
  .array(fc.tuple(fc.constantFrom('limit', 'cursor', 'category', 'q', 'sort', 'other', 'limit[]'), queryValue), { maxLength: 5 })
  .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ''));

const headers = fc.record({
  'Content-Type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', ''),
  Authorization: fc.constantFrom(`Bearer ${stack.apiToken}`, 'Bearer wrong', 'Basic abc', '', `Bearer ${stack.apiToken} extra`),
  'Cache-Control': fc.constantFrom('no-cache', 'no-store', 'max-age=0', ''),
  'If-None-Match': fc.constantFrom('"abc"', '*', 'W/"x"', ''),
  'X-Request-Id': fc.oneof(fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), fc.constant('')),
}, { requiredKeys: [] });

const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.record({
    sku: fc.oneof(fc.string({ maxLength: 70 }), fc.integer()),
    name: fc.oneof(fc.string({ maxLength: 210 }), fc.constant(null)),
    description: fc.string({ maxLength: 50 }),
    category: fc.constantFrom('kitchen', 'desk', 'nope', '', 'KITCHEN'),
    priceCents: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 31), fc.string()),
    stock: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.constant(null)),
  }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'),
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
        const response = await api(`${path}${query}`, { method, headers: cleanHeaders, body: withBody ? payload : undefined });
        await response.arrayBuffer();
        expect(response.status, `${method} ${path}${query}`).toBeLessThan(500);
        if (response.status >= 400) {
          expect(response.headers.get('Content-Type'), `${method} ${path}${query} → ${response.status}`).toBe('application/problem+json');
        }
      }),
      { numRuns: 300 },
    );
  });
});
