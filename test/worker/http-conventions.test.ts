import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, authorized, problemOf, setFault, stack } from './api-client';
import { freshNamespace, isolate } from './cache-harness';

describe('request ids', () => {
  it('generates one when the client sends none', async () => {
    const response = await api('/health');
    expect(response.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps a sane client id and replaces an unsafe one', async () => {
    const kept = await api('/health', { headers: { 'X-Request-Id': 'trace-abc_123' } });
    expect(kept.headers.get('X-Request-Id')).toBe('trace-abc_123');
    const replaced = await api('/health', { headers: { 'X-Request-Id': 'bad id; <script>' } });
    expect(replaced.headers.get('X-Request-Id')).not.toBe('bad id; <script>');
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 problem+json for an unknown route', async () => {
    const response = await api('/api/nope');
    const problem = await problemOf(response);
    expect(response.status).toBe(404);
    expect(problem).toMatchObject({ type: 'about:blank', title: 'Not Found', status: 404, instance: '/api/nope' });
    expect(problem.contentType).toBe('application/problem+json');
  });

  it('answers 405 with Allow for a wrong method on a known route', async () => {
    const response = await api('/api/categories', { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toContain('GET');
    expect((await problemOf(response)).contentType).toBe('application/problem+json');
  });
});

describe('secure defaults', () => {
  it('sets secure headers and no CORS headers unless origins are configured', async () => {
    const response = await api('/api/categories', { headers: { Origin: 'https://evil.example' } });
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('response headers, whichever path answers', () => {
  const SECURITY = {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    'strict-transport-security': 'max-age=15552000; includeSubDomains',
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'SAMEORIGIN',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  };
  /** What varies per request or per outcome: checked by the cache tests. */
  const PER_REQUEST = new Set(['x-request-id', 'x-cache', 'cache-status', 'server-timing', 'age']);
  const stableHeaders = (response: Response) =>
    Object.fromEntries([...response.headers].filter(([name]) => !PER_REQUEST.has(name)));

  it('gives a miss, an Upstash hit and a memory hit the same headers, security headers included', async () => {
    const namespace = freshNamespace();
    const first = isolate(namespace);
    const miss = await first.fetch('/api/products/7', { headers: { 'X-Request-Id': 'trace-miss' } });
    const memoryHit = await first.fetch('/api/products/7', { headers: { 'X-Request-Id': 'trace-hit' } });
    const upstashHit = await isolate(namespace).fetch('/api/products/7');
    expect(
      [miss, memoryHit, upstashHit].map((r) => r.headers.get('Server-Timing')?.match(/desc="(\w+ [\w-]+)"/)?.[1]),
    ).toEqual(['MISS miss', 'HIT memory', 'HIT redis']);
    expect(stableHeaders(miss)).toMatchObject({
      ...SECURITY,
      'content-type': 'application/json',
      etag: expect.any(String),
    });
    expect(stableHeaders(memoryHit)).toEqual(stableHeaders(miss));
    expect(stableHeaders(upstashHit)).toEqual(stableHeaders(miss));
    expect(memoryHit.headers.get('X-Request-Id')).toBe('trace-hit');
    expect(memoryHit.headers.get('Age')).toMatch(/^\d+$/);
    expect(await memoryHit.text()).toBe(await miss.text());
  });

  it('puts the security headers on every other answer too: health, 404, 405, 304', async () => {
    const namespace = freshNamespace();
    const app = isolate(namespace);
    const etag = (await app.fetch('/api/products/8')).headers.get('ETag')!;
    const answers = await Promise.all([
      app.fetch('/health'),
      app.fetch('/api/nope'),
      app.fetch('/api/categories', { method: 'DELETE' }),
      app.fetch('/api/products/8', { headers: { 'If-None-Match': etag } }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 404, 405, 304]);
    // /health's answer is constant and served from prebuilt headers: exactly these, no more.
    expect(stableHeaders(answers[0]!)).toEqual({ ...SECURITY, 'content-type': 'application/json' });
    for (const answer of answers) {
      expect(stableHeaders(answer)).toMatchObject(SECURITY);
      expect(answer.headers.get('X-Request-Id')).toBeTruthy();
    }
  });
});

describe('CORS allowlist (CORS_ORIGINS)', () => {
  const app = () => isolate(freshNamespace(), {}, { CORS_ORIGINS: 'https://shop.example, https://admin.example' });

  it('answers an allowed origin, preflight included', async () => {
    const preflight = await app().fetch('/api/products', {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe('https://shop.example');
    const read = await app().fetch('/api/categories', { headers: { Origin: 'https://admin.example' } });
    expect(read.headers.get('Access-Control-Allow-Origin')).toBe('https://admin.example');
    expect(read.headers.get('Access-Control-Expose-Headers')).toContain('X-Cache');
  });

  it('says nothing to other origins', async () => {
    const read = await app().fetch('/api/categories', { headers: { Origin: 'https://evil.example' } });
    expect(read.headers.get('Access-Control-Allow-Origin')).toBeNull();
  });
});

describe('request log', () => {
  it('writes one JSON line per request with the route pattern and no secrets', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await api('/api/products/12?secret=query', {
        headers: { Authorization: `Bearer ${stack.apiToken}`, 'X-Request-Id': 'log-test-1' },
      });
      const lines = log.mock.calls.map(([line]) => String(line));
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toEqual({
        method: 'GET',
        route: '/api/products/:id',
        status: 200,
        durationMs: expect.any(Number),
        requestId: 'log-test-1',
      });
      expect(lines[0]).not.toContain(stack.apiToken);
      expect(lines[0]).not.toContain('secret=query');
    } finally {
      log.mockRestore();
    }
  });
});

describe('OpenAPI and docs', () => {
  it('describes every route in /openapi.json (OpenAPI 3.1)', async () => {
    const doc = await (await api('/openapi.json')).json<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths['/api/products']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/products/{id}']!)).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(doc.paths['/api/categories']).toHaveProperty('get');
    expect(doc.paths['/api/stats']).toHaveProperty('get');
  });

  it('describes response bodies, whose schemas are built on the first request for the document', async () => {
    type Body = { content: Record<string, { schema: unknown }> };
    const doc = await (await api('/openapi.json')).json<{
      paths: Record<string, Record<string, { responses: Record<string, Body> }>>;
      components: { schemas: Record<string, unknown> };
    }>();
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      'CatalogTotals',
      'Category',
      'CategoryList',
      'CategoryStats',
      'DependencyCheck',
      'Problem',
      'Product',
      'ProductCreate',
      'ProductPage',
      'ProductUpdate',
      'Stats',
    ]);
    const getOne = doc.paths['/api/products/{id}']!.get!.responses;
    expect(getOne['200']!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Product' });
    expect(getOne['404']!.content['application/problem+json']!.schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    // A second generation reuses the schemas the first one built: the same document.
    expect(await (await api('/openapi.json')).json()).toEqual(doc);
  });

  it('serves interactive docs at /docs', async () => {
    const response = await api('/docs');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/openapi.json');
  });

  it('loads no third-party script or stylesheet on /docs without an exact version and an integrity hash', async () => {
    const page = await (await api('/docs')).text();
    const external = [...page.matchAll(/<(script|link)\b[^>]*\b(?:src|href)="(https?:\/\/[^"]+)"[^>]*>/g)];
    expect(external.map(([, tag]) => tag).sort()).toEqual(['link', 'script']);
    for (const [element, , url] of external) {
      expect(url, element).toMatch(/@\d+\.\d+\.\d+\//);
      expect(element).toMatch(/\bintegrity="sha(256|384|512)-[A-Za-z0-9+/=]+"/);
      expect(element).toMatch(/\bcrossorigin="anonymous"/);
    }
  });
});

describe('database unavailable', () => {
  afterEach(() => setFault(stack.neonEndpoint, 'none'));

  it('answers 503 problem+json with Retry-After and nothing internal', async () => {
    await setFault(stack.neonEndpoint, 'error');
    const response = await api('/api/products/1', { headers: authorized({ 'Cache-Control': 'no-store' }) });
    const problem = await problemOf(response);
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(problem.contentType).toBe('application/problem+json');
    expect(JSON.stringify(problem)).not.toMatch(/postgres|select|stack|127\.0\.0\.1/i);
  });

  it('reports Postgres as the failed dependency on /ready', async () => {
    await setFault(stack.neonEndpoint, 'error');
    const response = await api('/ready');
    const body = await response.json<{
      detail: string;
      checks: { postgres: { status: string }; redis: { status: string } };
    }>();
    expect(response.status).toBe(503);
    expect(body.detail).toMatch(/postgres/);
    expect(body.checks.postgres.status).toBe('error');
    expect(body.checks.redis.status).toBe('ok');
  });
});
