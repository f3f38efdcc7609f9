import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { EdgeCache } from '../../src/cache';
import { parseBudget } from '../../src/rate-limit/budget';
import { ClientRateLimiter } from '../../src/rate-limit/client-rate-limiter';
import { api, authorized, type ProblemBody, setFault, stack } from './api-client';
import { counts, freshNamespace, resetCounters } from './cache-harness';

/** Budgets small enough to exhaust in a test, counted under a namespace of the test's own. */
function limiterFor(namespace: string) {
  return new ClientRateLimiter({
    prefix: namespace,
    timeoutMs: 500,
    budgets: {
      reads: parseBudget('reads', '5 per 60s'),
      writes: parseBudget('writes', '3 per 60s'),
      forced: parseBudget('forced', '3 per 60s'),
    },
  });
}

/** An app with its own cache and limiter: one isolate. Isolates made with one namespace share Upstash's counts. */
function isolate(namespace: string) {
  // A long memory window: repeated reads of one key are memory hits, so any Upstash call is the limiter's.
  const app = createApp({
    cache: new EdgeCache({ namespace, memoryMaxStalenessMs: 60_000 }),
    rateLimiter: limiterFor(namespace),
  });
  const bindings = { ...env, METRICS_LOCAL_COLLECTOR: '' };
  return async (path: string, client: string, init: RequestInit = {}): Promise<Response> => {
    const ctx = createExecutionContext();
    const headers = new Headers(init.headers);
    headers.set('CF-Connecting-IP', client);
    const response = await app.fetch(new Request(`http://edge-api.test${path}`, { ...init, headers }), bindings, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

const newClient = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}-${crypto.randomUUID().slice(0, 8)}`;

afterEach(() => resetCounters());

describe('per-client rate limits', () => {
  it('answers 429 problem+json with Retry-After and the RateLimit fields once a client spends its reads budget', async () => {
    const fetchFrom = isolate(freshNamespace());
    const client = newClient();
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await fetchFrom('/api/categories', client);
      expect(response.status).toBe(200);
      expect(response.headers.get('RateLimit-Policy')).toBe('"reads";q=5;w=60');
      remaining.push(response.headers.get('RateLimit')!.split(';')[1]!);
    }
    expect(remaining).toEqual(['r=4', 'r=3', 'r=2', 'r=1', 'r=0']);

    const refused = await fetchFrom('/api/categories', client);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('Content-Type')).toBe('application/problem+json');
    expect(refused.headers.get('Cache-Control')).toBe('no-store');
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('RateLimit')).toBe(`"reads";r=0;t=${retryAfter}`);
    expect(refused.headers.get('RateLimit-Policy')).toBe('"reads";q=5;w=60');
    const problem = await refused.json<ProblemBody>();
    expect(problem).toMatchObject({ status: 429, title: 'Too Many Requests', instance: '/api/categories' });
    expect(problem.detail).toContain('reads budget');

    // Another client, and the same client's writes budget, are untouched.
    expect((await fetchFrom('/api/categories', newClient())).status).toBe(200);
    const write = await fetchFrom('/api/products/2147483000', client, { method: 'DELETE', headers: authorized() });
    expect(write.status).toBe(404);
    expect(write.headers.get('RateLimit')).toBe('"writes";r=2;t=' + write.headers.get('RateLimit')!.split(';t=')[1]);
  });

  it('counts writes and forced reads in Upstash, so one budget spans every isolate', async () => {
    const namespace = freshNamespace();
    const isolates = [isolate(namespace), isolate(namespace), isolate(namespace)];
    const client = newClient();
    const forced = await Promise.all(
      isolates
        .concat(isolates)
        .map((fetchFrom) =>
          fetchFrom('/api/stats', client, { headers: authorized() }).then((response) => response.status),
        ),
    );
    expect(forced.filter((status) => status === 200)).toHaveLength(3);
    expect(forced.filter((status) => status === 429)).toHaveLength(3);

    const writes = [];
    for (let i = 0; i < 4; i++) {
      writes.push(
        (await isolates[i % 3]!('/api/products/2147483000', client, { method: 'DELETE', headers: authorized() }))
          .status,
      );
    }
    expect(writes).toEqual([404, 404, 404, 429]);
  });

  it('costs at most one Upstash call per request, and none for a client it already refused', async () => {
    const fetchFrom = isolate(freshNamespace());
    const client = newClient();
    await fetchFrom('/api/categories', newClient()); // warms the entry: the reads below are memory hits
    await resetCounters();
    for (let i = 0; i < 5; i++) expect((await fetchFrom('/api/categories', client)).status).toBe(200);
    const afterAllowed = (await counts()).redis.requests;
    expect(afterAllowed).toBeGreaterThan(0);
    expect(afterAllowed).toBeLessThanOrEqual(5);

    for (let i = 0; i < 20; i++) expect((await fetchFrom('/api/categories', client)).status).toBe(429);
    expect((await counts()).redis.requests).toBe(afterAllowed);

    // A forced read refused once is remembered too (the sliding window's ephemeral cache).
    for (let i = 0; i < 3; i++)
      expect((await fetchFrom('/api/categories', client, { headers: authorized() })).status).toBe(200);
    expect((await fetchFrom('/api/categories', client, { headers: authorized() })).status).toBe(429);
    const afterForced = (await counts()).redis.requests;
    for (let i = 0; i < 10; i++)
      expect((await fetchFrom('/api/categories', client, { headers: authorized() })).status).toBe(429);
    expect((await counts()).redis.requests).toBe(afterForced);
  });

  it('fails open to a limit counted in the isolate while Upstash is down', async () => {
    const fetchFrom = isolate(freshNamespace());
    const client = newClient();
    await fetchFrom('/api/categories', newClient());
    await setFault(stack.upstashUrl, 'error');
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await fetchFrom('/api/categories', client)).status);
    // The first read of a window is allowed on trust while its count goes to Upstash; that call
    // fails, and the isolate counts the next ones alone: five more, then 429.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });

  it('applies the configured budgets to real requests, each in its own request context', async () => {
    const client = newClient();
    // wrangler.toml: 60 forced reads per minute.
    const statuses = await Promise.all(
      Array.from({ length: 65 }, () =>
        api('/api/stats', { headers: authorized({ 'CF-Connecting-IP': client }) }).then(async (response) => {
          await response.arrayBuffer();
          return response.status;
        }),
      ),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(60);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    // Requests with no client address (service bindings, tests) spend no budget.
    expect((await api('/api/stats', { headers: authorized() })).headers.get('RateLimit')).toBeNull();
  });
});
