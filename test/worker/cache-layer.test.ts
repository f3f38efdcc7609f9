import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { congestionAwareTimeout, wentSilent } from '../../src/timing';
import { type ProductBody, setFault, stack, uniqueSku } from './api-client';
import { counts, freshNamespace, isolate, noMemory, resetCounters } from './cache-harness';

const json = { 'Content-Type': 'application/json' };
const auth = { Authorization: `Bearer ${stack.apiToken}` };

let namespace: string;
beforeEach(async () => {
  namespace = freshNamespace();
  await resetCounters();
});
afterEach(async () => {
  vi.useRealTimers();
  await resetCounters();
});

/** Warms the read script (EVALSHA falls back to EVAL once per Redis) so counts below are steady-state. */
async function warmScript(app: ReturnType<typeof isolate>) {
  await app.fetch('/api/products/3');
}

describe('MISS, then HIT', () => {
  it('serves the second request from memory and a fresh isolate from Upstash', async () => {
    const first = isolate(namespace);
    const miss = await first.fetch('/api/products/7');
    expect(miss.headers.get('X-Cache')).toBe('MISS');
    expect(miss.headers.get('Cache-Status')).toBe('edge-api; fwd=uri-miss; stored');
    const hit = await first.fetch('/api/products/7');
    expect(hit.headers.get('X-Cache')).toBe('HIT');
    expect(hit.headers.get('Cache-Status')).toMatch(/^edge-api; hit; ttl=\d+; detail=memory$/);
    const other = await isolate(namespace).fetch('/api/products/7');
    expect(other.headers.get('X-Cache')).toBe('HIT');
    expect(other.headers.get('Cache-Status')).toMatch(/detail=redis$/);
    expect(await other.text()).toBe(await miss.text());
  });

  it('sets CDN-ready caching headers and timings', async () => {
    const app = isolate(namespace);
    const miss = await app.fetch('/api/stats');
    expect(miss.headers.get('Cache-Control')).toBe(
      'public, max-age=0, s-maxage=60, stale-while-revalidate=600, stale-if-error=3600',
    );
    expect(miss.headers.get('ETag')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(miss.headers.get('Age')).toBe('0');
    expect(miss.headers.get('Server-Timing')).toMatch(/^cache;dur=[\d.]+;desc="MISS miss", db;dur=[\d.]+$/);
    const hit = await app.fetch('/api/stats');
    expect(hit.headers.get('Server-Timing')).toMatch(/^cache;dur=[\d.]+;desc="HIT memory"$/);
    expect(hit.headers.get('ETag')).toBe(miss.headers.get('ETag'));
    expect(hit.headers.get('X-Request-Id')).toBeTruthy();
  });
});

describe('cost per request', () => {
  it('a hit costs one Upstash round trip and no database work', async () => {
    const app = isolate(namespace, noMemory);
    await warmScript(app);
    await app.fetch('/api/products/11');
    await resetCounters();
    const hit = await app.fetch('/api/products/11');
    expect(hit.headers.get('X-Cache')).toBe('HIT');
    const { db, redis } = await counts();
    expect(redis.requests).toBe(1);
    expect(db.commands).toBe(0);
  });

  it('a miss costs one Upstash read, one database round trip and one pipelined write', async () => {
    const app = isolate(namespace, noMemory);
    await warmScript(app);
    await resetCounters();
    const miss = await app.fetch('/api/stats');
    expect(miss.headers.get('X-Cache')).toBe('MISS');
    const { db, redis } = await counts();
    expect(db.requests).toBe(1);
    expect(db.commands).toBe(1);
    expect(redis.requests).toBe(2);
  });
});

describe('stampede protection', () => {
  it('200 concurrent requests for a cold key run the query once', async () => {
    const app = isolate(namespace);
    const responses = await Promise.all(Array.from({ length: 200 }, () => app.fetch('/api/stats')));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    const bodies = new Set(await Promise.all(responses.map((r) => r.text())));
    expect(bodies.size).toBe(1);
    expect((await counts()).db.commands).toBe(1);
    expect(responses.filter((r) => r.headers.get('X-Cache') === 'MISS')).toHaveLength(1);
  });

  it('isolates that lose the fill lease wait for the winner instead of querying', async () => {
    const isolates = Array.from({ length: 5 }, () => isolate(namespace, noMemory));
    await warmScript(isolates[0]!);
    await resetCounters();
    const responses = await Promise.all(
      isolates.flatMap((app) => Array.from({ length: 10 }, () => app.fetch('/api/categories'))),
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect((await counts()).db.commands).toBe(1);
    const peers = responses.filter((r) => r.headers.get('Cache-Status')?.includes('filled-by-peer'));
    expect(peers.length).toBeGreaterThan(0);
  });
});

describe('invalidation after writes', () => {
  it('a write is visible at once on detail, its lists, categories and stats, from every isolate', async () => {
    const writer = isolate(namespace);
    const reader = isolate(namespace, noMemory);
    const created = await (
      await writer.fetch('/api/products', {
        method: 'POST',
        headers: { ...auth, ...json },
        body: JSON.stringify({
          sku: uniqueSku('INV'),
          name: 'Invalidation Probe',
          category: 'tea',
          priceCents: 100,
          stock: 1,
        }),
      })
    ).json<ProductBody>();
    const paths = [
      `/api/products/${created.id}`,
      '/api/products?category=tea&sort=-price&limit=100',
      '/api/products?sort=newest&limit=5',
      '/api/categories',
      '/api/stats',
    ];
    const before = await Promise.all(paths.map(async (path) => (await reader.fetch(path)).text()));
    for (const path of paths) {
      expect((await reader.fetch(path)).headers.get('X-Cache')).toBe('HIT');
      expect((await writer.fetch(path)).headers.get('X-Cache')).toBe('HIT');
    }

    const patched = await writer.fetch(`/api/products/${created.id}`, {
      method: 'PATCH',
      headers: { ...auth, ...json },
      body: JSON.stringify({ priceCents: 987_654, category: 'desk' }),
    });
    expect(patched.status).toBe(200);

    for (const app of [writer, reader]) {
      const detail = await (await app.fetch(`/api/products/${created.id}`)).json<ProductBody>();
      expect(detail).toMatchObject({ priceCents: 987_654, category: 'desk' });
      const teaList = await (await app.fetch(paths[1]!)).json<{ items: ProductBody[] }>();
      expect(teaList.items.map((p) => p.id)).not.toContain(created.id);
      const newest = await (await app.fetch(paths[2]!)).json<{ items: ProductBody[] }>();
      expect(newest.items.find((p) => p.id === created.id)?.priceCents).toBe(987_654);
      const categories = await (await app.fetch('/api/categories')).text();
      expect(categories).not.toBe(before[3]);
      const stats = await (await app.fetch('/api/stats')).json<{ totals: { maxPriceCents: number } }>();
      expect(stats.totals.maxPriceCents).toBeGreaterThanOrEqual(987_654);
    }
  });

  it('a write in another isolate reaches a memory tier within its staleness bound', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const reader = isolate(namespace, { memoryMaxStalenessMs: 2000 });
    const writer = isolate(namespace);
    await reader.fetch('/api/products/21');
    await writer.fetch('/api/products/21', {
      method: 'PATCH',
      headers: { ...auth, ...json },
      body: JSON.stringify({ stock: 4242 }),
    });
    // Inside the bound the reader's memory may still answer; past it, it must ask Upstash.
    vi.setSystemTime(Date.now() + 2001);
    const after = await reader.fetch('/api/products/21');
    expect((await after.json<ProductBody>()).stock).toBe(4242);
  });

  it('only writes invalidate: reads never bump tags', async () => {
    const app = isolate(namespace, noMemory);
    await app.fetch('/api/products/31');
    await app.fetch('/api/products/31');
    expect((await app.fetch('/api/products/31')).headers.get('X-Cache')).toBe('HIT');
  });
});

describe('stale-while-revalidate', () => {
  it('after the ttl, serves STALE at once and refreshes in the background', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = isolate(namespace, noMemory);
    await app.fetch('/api/products/41');
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1000); // past the product ttl (10 min)
    await resetCounters();
    const stale = await app.fetch('/api/products/41');
    expect(stale.headers.get('X-Cache')).toBe('STALE');
    expect(stale.headers.get('Cache-Status')).toMatch(/^edge-api; hit; ttl=-\d+; detail=stale-while-revalidate$/);
    expect(Number(stale.headers.get('Age'))).toBeGreaterThanOrEqual(61);
    // The background refresh ran (the harness waits for waitUntil work) and stored a fresh entry.
    expect((await counts()).db.commands).toBe(1);
    const fresh = await app.fetch('/api/products/41');
    expect(fresh.headers.get('X-Cache')).toBe('HIT');
    expect(fresh.headers.get('Age')).toBe('0');
  });
});

describe('HTTP validators and directives', () => {
  it('answers If-None-Match with 304, no body and no database work', async () => {
    const app = isolate(namespace);
    const first = await app.fetch('/api/products/51');
    const etag = first.headers.get('ETag')!;
    await resetCounters();
    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, '*']) {
      const revalidated = await app.fetch('/api/products/51', { headers: { 'If-None-Match': header } });
      expect(revalidated.status).toBe(304);
      expect(await revalidated.text()).toBe('');
      expect(revalidated.headers.get('ETag')).toBe(etag);
    }
    expect((await counts()).db.commands).toBe(0);
    expect((await app.fetch('/api/products/51', { headers: { 'If-None-Match': '"other"' } })).status).toBe(200);
  });

  it('from a client with the API token, no-cache refreshes the entry and no-store or Authorization bypass the cache', async () => {
    const app = isolate(namespace);
    await app.fetch('/api/categories');
    await resetCounters();
    const refreshed = await app.fetch('/api/categories', { headers: { ...auth, 'Cache-Control': 'no-cache' } });
    expect(refreshed.headers.get('X-Cache')).toBe('MISS');
    expect(refreshed.headers.get('Cache-Status')).toBe('edge-api; fwd=request; stored');
    expect((await counts()).db.commands).toBe(1);

    await resetCounters();
    const bypassed = await app.fetch('/api/categories', { headers: { ...auth, 'Cache-Control': 'no-store' } });
    expect(bypassed.headers.get('X-Cache')).toBe('BYPASS');
    expect(bypassed.headers.get('Cache-Status')).toBe('edge-api; fwd=bypass; detail=no-store');
    const authorized = await app.fetch('/api/categories', { headers: auth });
    expect(authorized.headers.get('X-Cache')).toBe('BYPASS');
    expect(authorized.headers.get('Cache-Status')).toBe('edge-api; fwd=bypass; detail=authorization');
    const { db, redis } = await counts();
    expect(db.commands).toBe(2);
    expect(redis.requests).toBe(0);
  });

  it('answers anonymous no-cache, no-store and a wrong token from the cache, as any request', async () => {
    const app = isolate(namespace);
    await app.fetch('/api/categories');
    await resetCounters();
    const forcing: Array<Record<string, string>> = [
      { 'Cache-Control': 'no-cache' },
      { 'Cache-Control': 'no-store, max-age=0' },
      { Authorization: 'Bearer guess' },
    ];
    for (const headers of forcing) {
      const response = await app.fetch('/api/categories', { headers });
      expect(response.headers.get('X-Cache'), JSON.stringify(headers)).toBe('HIT');
    }
    expect((await counts()).db.commands).toBe(0);
  });

  it('lets a flood of anonymous no-cache and no-store reads across isolates reach Postgres once per key', async () => {
    const isolates = [isolate(namespace), isolate(namespace), isolate(namespace)];
    await warmScript(isolates[0]!);
    await resetCounters();
    const forcing: Array<Record<string, string>> = [
      { 'Cache-Control': 'no-cache' },
      { 'Cache-Control': 'no-store' },
      { Authorization: 'Bearer guess' },
    ];
    const flood = () =>
      Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          isolates[i % 3]!.fetch(`/api/products/${83 + (i % 2)}`, { headers: forcing[Math.floor(i / 3) % 3] }),
        ),
      );
    for (const response of [...(await flood()), ...(await flood())]) expect(response.status).toBe(200);
    // Two keys, each computed once in all: the other 118 requests were answered by the cache.
    expect((await counts()).db.commands).toBe(2);
  });

  it('never stores error answers', async () => {
    const app = isolate(namespace);
    const first = await app.fetch('/api/products/999998');
    const second = await app.fetch('/api/products/999998');
    expect([first.status, second.status]).toEqual([404, 404]);
    expect(second.headers.get('X-Cache')).toBe('MISS');
    expect(second.headers.get('Cache-Status')).toBe('edge-api; fwd=uri-miss');
    expect(second.headers.get('Cache-Control')).toBeNull();
  });
});

describe('fail-open', () => {
  afterEach(() => setFault(stack.upstashUrl, 'none'));

  it.each(['hang', 'error'] as const)('keeps answering from the database when Upstash is %s', async (mode) => {
    const app = isolate(namespace, { timeoutMs: 50 });
    await setFault(stack.upstashUrl, mode);
    for (let i = 0; i < 8; i++) {
      const started = Date.now();
      const response = await app.fetch(`/api/products/${60 + i}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('X-Cache')).toBe('BYPASS');
      expect(response.headers.get('Cache-Status')).toBe('edge-api; fwd=bypass; detail=cache-unavailable');
      // Far below the client's default retries (seconds): the 50 ms budget plus the query.
      expect(Date.now() - started).toBeLessThan(400);
    }
    // After five failures (all of the reads) the circuit opens: the rest skip Upstash entirely. A
    // read that got no answer at all was made once more first.
    expect((await counts()).redis.requests).toBe(mode === 'hang' ? 10 : 5);
    expect(app.cache.breaker.isOpen).toBe(true);
  });

  it('answers a stale memory entry while Upstash is down, and refreshes it once in the background', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = isolate(namespace, { timeoutMs: 50 });
    await app.fetch('/api/products/65');
    vi.setSystemTime(Date.now() + 10 * 60_000 + 1000); // past the product ttl (10 min), within stale-if-error (1 h)
    await resetCounters(); // (it clears faults too)
    await setFault(stack.upstashUrl, 'error');
    const stale = await Promise.all([1, 2, 3].map(() => app.fetch('/api/products/65')));
    for (const response of stale) expect(response.headers.get('X-Cache')).toBe('STALE');
    expect(stale[0]!.headers.get('Cache-Status')).toMatch(/^edge-api; hit; ttl=-\d+; detail=cache-unavailable$/);
    // The harness waits for waitUntil work: one background refresh for the three.
    expect((await counts()).db.commands).toBe(1);
    const refreshed = await app.fetch('/api/products/65');
    expect(refreshed.headers.get('X-Cache')).toBe('HIT');
    expect(refreshed.headers.get('Age')).toBe('0');
  });

  it('asks once more when one read goes unanswered while Upstash is fine: a MISS that stores, not a BYPASS', async () => {
    const app = isolate(namespace, { timeoutMs: 50 });
    await warmScript(app);
    await resetCounters();
    await setFault(stack.upstashUrl, 'hang', 1);
    const response = await app.fetch('/api/products/64');
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Cache')).toBe('MISS');
    expect(response.headers.get('Cache-Status')).toBe('edge-api; fwd=uri-miss; stored');
    // The lost read, the one that answered, and the fill (which found the lease still this request's).
    await vi.waitFor(async () => expect((await counts()).redis.requests).toBe(3));
    const peer = await isolate(namespace, { timeoutMs: 50 }).fetch('/api/products/64');
    expect(peer.headers.get('Cache-Status')).toMatch(/detail=redis$/);
  });

  it('knows a timeout in which Upstash answered nothing as such after it rejected a fetch (an outage the breaker counts)', async () => {
    await setFault(stack.upstashUrl, 'hang');
    const rejection = await fetch(stack.upstashUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.upstashToken}` },
      body: JSON.stringify(['GET', 'anything']),
      signal: congestionAwareTimeout(50, () => false),
    }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(wentSilent(rejection)).toBe(true);
  });

  it('keeps answering when nothing listens at the Upstash URL', async () => {
    const app = isolate(namespace, {}, { UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9' });
    for (let i = 0; i < 4; i++) {
      const started = Date.now();
      const response = await app.fetch(`/api/products/${70 + i}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('X-Cache')).toBe('BYPASS');
      expect(Date.now() - started).toBeLessThan(400);
    }
  });
});

describe('stale-if-error', () => {
  afterEach(() => setFault(stack.neonEndpoint, 'none'));

  it('gives every concurrent request the 503 when the database is down and nothing is cached', async () => {
    const app = isolate(namespace);
    await setFault(stack.neonEndpoint, 'error');
    const responses = await Promise.all([1, 2, 3, 4].map(() => app.fetch('/api/products/90')));
    expect(responses.map((r) => r.status)).toEqual([503, 503, 503, 503]);
    for (const response of responses) {
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      expect(response.headers.get('Retry-After')).toBe('5');
    }
    // One origin attempt for the four: the failure is shared, not retried by each.
    expect((await counts()).db.requests).toBe(1);
  });

  it('hands a failure to the isolates waiting for its fill: one origin call, and none waits out a second timeout', async () => {
    const isolates = Array.from({ length: 3 }, () => isolate(namespace, noMemory));
    await warmScript(isolates[0]!);
    await resetCounters();
    await setFault(stack.neonEndpoint, 'hang');
    const started = Date.now();
    const responses = await Promise.all(isolates.map((app) => app.fetch('/api/products/94')));
    // One statement deadline (1.5 s), not one for the lease holder and another for each waiter.
    expect(Date.now() - started).toBeLessThan(2000);
    expect(responses.map((r) => r.status)).toEqual([503, 503, 503]);
    for (const response of responses) {
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      expect(response.headers.get('Retry-After')).toBe('5');
    }
    const shared = responses.filter(
      (r) => r.headers.get('Cache-Status') === 'edge-api; fwd=uri-miss; fwd-status=503; collapsed',
    );
    expect(shared).toHaveLength(2);
    expect((await counts()).db.requests).toBe(1);
    // Only those waiting get it: half a second on, a request asks the database again.
    await setFault(stack.neonEndpoint, 'error');
    await new Promise((resolve) => setTimeout(resolve, 600));
    const later = await isolate(namespace, noMemory).fetch('/api/products/94');
    expect(later.status).toBe(503);
    expect(later.headers.get('Cache-Status')).toBe('edge-api; fwd=uri-miss; fwd-status=503');
    expect((await counts()).db.requests).toBe(2);
  });

  it('serves an expired entry when the database fails, and 503 without one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const app = isolate(namespace, noMemory);
    await app.fetch('/api/products/71');
    vi.setSystemTime(Date.now() + 25 * 60_000); // past ttl + swr (20 min), within stale-if-error
    await setFault(stack.neonEndpoint, 'error');
    const stale = await app.fetch('/api/products/71');
    expect(stale.status).toBe(200);
    expect(stale.headers.get('X-Cache')).toBe('STALE');
    expect(stale.headers.get('Cache-Status')).toMatch(/detail=stale-if-error$/);
    expect((await stale.json<ProductBody>()).id).toBe(71);

    const cold = await app.fetch('/api/products/72');
    expect(cold.status).toBe(503);
    expect(cold.headers.get('Content-Type')).toBe('application/problem+json');
    expect(cold.headers.get('Retry-After')).toBe('5');
  });
});

describe('keys and what is not cached', () => {
  it('shares one entry across equivalent list URLs and ignores unknown parameters', async () => {
    const app = isolate(namespace, noMemory);
    await app.fetch('/api/products?sort=price&category=tea');
    for (const path of [
      '/api/products?category=tea&sort=price&limit=20',
      '/api/products?category=tea&sort=price&junk=1',
      '/api/products?junk=2&sort=price&category=tea',
    ]) {
      expect((await app.fetch(path)).headers.get('X-Cache'), path).toBe('HIT');
    }
  });

  it('does not cache (or create tags for) requests that fail validation', async () => {
    const app = isolate(namespace, noMemory);
    for (const path of ['/api/products/abc', '/api/products?limit=0', '/api/products?category=NOT%20A%20SLUG']) {
      const response = await app.fetch(path);
      expect(response.status).toBe(400);
      expect(response.headers.get('X-Cache')).toBeNull();
    }
    const wouldBeKeys = [
      'tag:product:abc',
      'entry:http:/api/products/abc?',
      'tag:products:list:category:NOT A SLUG',
      'tag:products:list:all',
    ].map((suffix) => `${namespace}:${suffix}`);
    const exists = await fetch(stack.upstashUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${stack.upstashToken}` },
      body: JSON.stringify(['EXISTS', ...wouldBeKeys]),
    }).then((r) => r.json<{ result: number }>());
    expect(exists.result).toBe(0);
  });

  it('coalesces concurrent no-cache refreshes into one query', async () => {
    const app = isolate(namespace);
    await warmScript(app);
    await resetCounters();
    const headers = { ...auth, 'Cache-Control': 'no-cache' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => app.fetch('/api/stats', { headers })));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect((await counts()).db.commands).toBe(1);
  });

  it('lets waiting isolates go as soon as the leader finds nothing to store', async () => {
    const [first, second] = [isolate(namespace, noMemory), isolate(namespace, noMemory)];
    await warmScript(first);
    const started = Date.now();
    const responses = await Promise.all([first.fetch('/api/products/999997'), second.fetch('/api/products/999997')]);
    expect(responses.map((r) => r.status)).toEqual([404, 404]);
    // Well under the 2 s lease: the leader released it, so the waiter stopped polling.
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('stored values', () => {
  it('treats a well-formed entry with a foreign payload as a miss', async () => {
    const app = isolate(namespace, noMemory);
    const key = `${namespace}:entry:http:/api/products/82?`;
    const redisCommand = (command: unknown[]) =>
      fetch(stack.upstashUrl, {
        method: 'POST',
        headers: { Authorization: `Bearer ${stack.upstashToken}` },
        body: JSON.stringify(command),
      }).then((r) => r.json<{ result: string | null }>());
    await app.fetch('/api/products/82');
    const stored = (await redisCommand(['GET', key])).result!;
    // Same header (valid stamp, fresh), another payload: as a cached() value or an older format would be.
    await redisCommand(['SET', key, `${stored.slice(0, stored.indexOf('\n') + 1)}{"v":2}`]);
    const response = await app.fetch('/api/products/82');
    expect(response.status).toBe(200);
    expect(response.headers.get('X-Cache')).toBe('MISS');
  });

  it('treats a corrupt or foreign value as a miss and overwrites it', async () => {
    const app = isolate(namespace, noMemory);
    const key = `${namespace}:entry:http:/api/products/81?`;
    const redisCommand = (command: unknown[]) =>
      fetch(stack.upstashUrl, {
        method: 'POST',
        headers: { Authorization: `Bearer ${stack.upstashToken}` },
        body: JSON.stringify(command),
      }).then((r) => r.json<{ result: unknown }>());
    for (const garbage of [
      '{"not":"ours"}',
      'ec2 9999999999999 9999999999999 9999999999999 0 0 \nnot json',
      'ec1 9999999999999 9999999999999 9999999999999 0 \n{}',
      'ec2 x',
    ]) {
      await redisCommand(['SET', key, garbage]);
      const response = await app.fetch('/api/products/81');
      expect(response.status).toBe(200);
      expect(response.headers.get('X-Cache')).toBe('MISS');
      expect(String((await redisCommand(['GET', key])).result)).toMatch(/^ec2 \d+ /);
    }
  });
});

describe('compression (COMPRESSION=on, no CDN in front)', () => {
  const compressing = () => isolate(namespace, {}, { COMPRESSION: 'on' });

  it('gzips JSON of 1 KB or more for clients that accept it, with a weak ETag', async () => {
    const response = await compressing().fetch('/api/stats', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('Content-Encoding')).toBe('gzip');
    expect(response.headers.get('Vary')).toMatch(/Accept-Encoding/);
    expect(response.headers.get('ETag')).toMatch(/^W\/"/);
    const text = await new Response(response.body!.pipeThrough(new DecompressionStream('gzip'))).text();
    expect(JSON.parse(text)).toHaveProperty('totals');
  });

  it('leaves small, HEAD, non-accepting and no-transform responses alone', async () => {
    const app = compressing();
    const small = await app.fetch('/health', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(small.headers.get('Content-Encoding')).toBeNull();
    expect(await small.json()).toEqual({ status: 'ok' });
    const head = await app.fetch('/api/stats', { method: 'HEAD', headers: { 'Accept-Encoding': 'gzip' } });
    expect(head.headers.get('Content-Encoding')).toBeNull();
    const identity = await app.fetch('/api/stats', { headers: { 'Accept-Encoding': 'identity' } });
    expect(identity.headers.get('Content-Encoding')).toBeNull();
    expect(identity.headers.get('Vary')).toMatch(/Accept-Encoding/);
    const refused = await app.fetch('/api/stats', { headers: { 'Accept-Encoding': 'gzip;q=0' } });
    expect(refused.headers.get('Content-Encoding')).toBeNull();
  });

  it('is off by default (Cloudflare compresses at the edge) and never sets no-transform', async () => {
    const response = await isolate(namespace).fetch('/api/stats', { headers: { 'Accept-Encoding': 'gzip' } });
    expect(response.headers.get('Content-Encoding')).toBeNull();
    expect(response.headers.get('Content-Type')).toBe('application/json');
    expect(response.headers.get('Cache-Control')).not.toMatch(/no-transform/);
  });
});
