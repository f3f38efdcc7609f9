import { afterEach, describe, expect, it } from 'vitest';
import { api, problemOf, setFault, stack } from './api-client';

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

describe('OpenAPI and docs', () => {
  it('describes every route in /openapi.json (OpenAPI 3.1)', async () => {
    const doc = await (await api('/openapi.json')).json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths['/api/products']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/products/{id}']!)).toEqual(expect.arrayContaining(['get', 'patch', 'delete']));
    expect(doc.paths['/api/categories']).toHaveProperty('get');
    expect(doc.paths['/api/stats']).toHaveProperty('get');
  });

  it('serves interactive docs at /docs', async () => {
    const response = await api('/docs');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('/openapi.json');
  });
});

describe('database unavailable', () => {
  afterEach(() => setFault(stack.neonEndpoint, 'none'));

  it('answers 503 problem+json with Retry-After and nothing internal', async () => {
    await setFault(stack.neonEndpoint, 'error');
    const response = await api('/api/products/1', { headers: { 'Cache-Control': 'no-store' } });
    const problem = await problemOf(response);
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(problem.contentType).toBe('application/problem+json');
    expect(JSON.stringify(problem)).not.toMatch(/postgres|select|stack|127\.0\.0\.1/i);
  });

  it('reports Postgres as the failed dependency on /ready', async () => {
    await setFault(stack.neonEndpoint, 'error');
    const response = await api('/ready');
    const body = await response.json<{ detail: string; checks: { postgres: { status: string }; redis: { status: string } } }>();
    expect(response.status).toBe(503);
    expect(body.detail).toMatch(/postgres/);
    expect(body.checks.postgres.status).toBe('error');
    expect(body.checks.redis.status).toBe('ok');
  });
});
