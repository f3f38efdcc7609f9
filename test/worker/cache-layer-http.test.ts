import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { type Context, Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { cacheLayer, EdgeCache, withCacheSession } from '../../src/cache';
import type { AppEnv } from '../../src/env';
import { freshNamespace } from './cache-harness';

/** A tiny app around cacheLayer, whose handlers answer with the headers under test. */
function appWith(handler: (c: Context<AppEnv>) => Response, vary: string[] = []) {
  let calls = 0;
  const app = new Hono<AppEnv>()
    // Nothing here goes stale within a test, so revalidation never dispatches.
    .use(
      withCacheSession(new EdgeCache({ namespace: freshNamespace() }), async () => new Response(null, { status: 204 })),
    )
    .get('/thing', cacheLayer({ ttl: '60s', vary }), (c) => {
      calls++;
      return handler(c);
    });
  return {
    get calls() {
      return calls;
    },
    async fetch(init?: RequestInit) {
      const ctx = createExecutionContext();
      const response = await app.fetch(new Request('http://edge-api.test/thing', init), env, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    },
  };
}

describe('cacheLayer storage rules (RFC 9111)', () => {
  let app: ReturnType<typeof appWith>;

  it.each([
    ['Set-Cookie', { 'Set-Cookie': 'session=secret' }],
    ['Cache-Control: private', { 'Cache-Control': 'private' }],
    ['Cache-Control: no-store', { 'Cache-Control': 'no-store' }],
    ['Vary on a header outside the key', { Vary: 'Cookie' }],
  ])('never stores a response with %s', async (_label, headers) => {
    app = appWith((c) => c.json({ ok: true }, 200, headers));
    await app.fetch();
    const second = await app.fetch();
    expect(app.calls).toBe(2);
    expect(second.headers.get('X-Cache')).toBe('MISS');
  });

  it('keys on the headers named in vary, and says so', async () => {
    app = appWith((c) => c.json({ language: c.req.header('Accept-Language') ?? 'none' }), ['Accept-Language']);
    const english = await app.fetch({ headers: { 'Accept-Language': 'en' } });
    const french = await app.fetch({ headers: { 'Accept-Language': 'fr' } });
    const englishAgain = await app.fetch({ headers: { 'Accept-Language': 'en' } });
    expect(await french.json()).toEqual({ language: 'fr' });
    expect(englishAgain.headers.get('X-Cache')).toBe('HIT');
    expect(await englishAgain.json()).toEqual({ language: 'en' });
    expect(english.headers.get('Vary')).toBe('accept-language');
    expect(app.calls).toBe(2);
  });

  it('answers HEAD from the cache, without a body', async () => {
    app = appWith((c) => c.json({ ok: true }));
    await app.fetch();
    const head = await app.fetch({ method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('X-Cache')).toBe('HIT');
    expect(await head.text()).toBe('');
    expect(app.calls).toBe(1);
  });
});

describe('writes fail closed', () => {
  it('refuses every write with 503 when API_TOKEN is not configured', async () => {
    const { createApp } = await import('../../src/app');
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request('http://edge-api.test/api/products/1', {
        method: 'DELETE',
        headers: { Authorization: 'Bearer ' },
      }),
      { ...env, API_TOKEN: '' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    expect((await response.json<{ detail: string }>()).detail).toMatch(/API_TOKEN is not configured/);
  });
});
