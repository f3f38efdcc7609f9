import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppEnv } from '../env';
import { toMilliseconds, type Duration } from './duration';
import type { CacheOptions, CacheResult } from './edge-cache';
import { cacheControlDirectives, cacheStatus, ifNoneMatchMatches, serverTiming } from './http-cache-headers';
import { snapshotResponse, type ResponseSnapshot } from './response-snapshot';

export interface CacheLayerOptions {
  /** How long a response is fresh. Required. */
  ttl: Duration;
  /** How long a stale response is served while it is refreshed in the background. @default '0s' */
  swr?: Duration;
  /** How long a stale response is kept to answer when the origin fails. @default '1h' */
  staleIfError?: Duration;
  /** Invalidation tags for this request's response. @default [] */
  tags?: (c: Context<AppEnv>) => readonly string[];
  /** The cache key. @default path and query string, parameters sorted */
  key?: (c: Context<AppEnv>) => string;
  /** Request headers that select a different representation: part of the key, sent as `Vary`. @default [] */
  vary?: readonly string[];
}

/** The origin answered with a server error: a stale entry may answer instead (stale-if-error). */
class OriginFailedError extends Error {
  override readonly name = 'OriginFailedError';
}

/** Path plus query string with parameters sorted, so `?a=1&b=2` and `?b=2&a=1` share an entry. */
export function defaultCacheKey(c: Context<AppEnv>): string {
  const url = c.req.url;
  const queryStart = url.indexOf('?');
  // The hot path (no query string) skips URL parsing.
  if (queryStart === -1) return `${c.req.path}?`;
  const params = [...new URLSearchParams(url.slice(queryStart + 1))].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return `${c.req.path}?${new URLSearchParams(params).toString()}`;
}

function bypassReasonOf(c: Context<AppEnv>): string | undefined {
  if (cacheControlDirectives(c.req.header('Cache-Control')).has('no-store')) return 'no-store';
  // A shared cache must not answer or store authenticated requests (RFC 9111 §3.5).
  if (c.req.header('Authorization')) return 'authorization';
  return undefined;
}

/**
 * Caches GET/HEAD responses in the edge cache (memory, then Upstash), stampede-proof, with
 * stale-while-revalidate, stale-if-error, ETag/304 and the `X-Cache`, `Cache-Status` and
 * `Server-Timing` headers. Needs a `cache` session on the context (`withCacheSession`).
 */
export function cacheLayer(options: CacheLayerOptions): MiddlewareHandler<AppEnv> {
  // Resolve and validate once, at creation: bad durations throw here, never per request.
  const ttlSeconds = Math.round(toMilliseconds(options.ttl) / 1000);
  const swrSeconds = Math.round(toMilliseconds(options.swr ?? '0s') / 1000);
  const staleIfErrorSeconds = Math.round(toMilliseconds(options.staleIfError ?? '1h') / 1000);
  const vary = [...(options.vary ?? [])].map((name) => name.toLowerCase());
  const allowedVary = new Set(vary);
  const keyOf = options.key ?? defaultCacheKey;
  const tagsOf = options.tags ?? (() => []);
  const cacheControl = `public, max-age=${ttlSeconds}, s-maxage=${ttlSeconds}`
    + (swrSeconds ? `, stale-while-revalidate=${swrSeconds}` : '') + `, stale-if-error=${staleIfErrorSeconds}`;

  return async function cacheLayer(c, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    const bypassReason = bypassReasonOf(c);
    if (bypassReason) {
      await next();
      c.res.headers.set('X-Cache', 'BYPASS');
      c.res.headers.set('Cache-Status', `edge-api; fwd=bypass; detail=${bypassReason}`);
      return;
    }

    const session = c.get('cache');
    const key = `${keyOf(c)}${vary.map((name) => `|${name}=${c.req.header(name) ?? ''}`).join('')}`;
    let ownResponse: Response | undefined;
    let originRan = false;
    const compute = async (): Promise<ResponseSnapshot> => {
      originRan = true;
      await next();
      if (c.res.status >= 500) throw new OriginFailedError(`origin answered ${c.res.status}`);
      ownResponse = c.res;
      return snapshotResponse(c.res.clone(), allowedVary);
    };
    const cacheOptions: CacheOptions<ResponseSnapshot> = {
      ttl: options.ttl, swr: options.swr, staleIfError: options.staleIfError, tags: tagsOf(c),
      storable: (snapshot) => snapshot.storable,
      // Refreshing after the response is sent: replay the request through the whole app with no-cache.
      revalidate: async () => {
        const headers = new Headers([['Cache-Control', 'no-cache'], ...vary.flatMap((name) => {
          const value = c.req.header(name);
          return value === undefined ? [] : [[name, value] as [string, string]];
        })]);
        await c.get('dispatch')(new Request(c.req.url, { headers }));
      },
    };

    let result: CacheResult<ResponseSnapshot>;
    try {
      const forceRefresh = cacheControlDirectives(c.req.header('Cache-Control')).has('no-cache');
      result = forceRefresh ? await session.refresh(key, compute, cacheOptions) : await session.lookup(key, compute, cacheOptions);
    } catch (error) {
      // No stale entry to fall back on: the origin's own error response (e.g. 503 problem+json) stands.
      if (error instanceof OriginFailedError) return;
      throw error;
    }

    const snapshot = result.value;
    const notModified = snapshot.storable && ifNoneMatchMatches(c.req.header('If-None-Match'), snapshot.etag);
    const headers: Array<[string, string]> = [
      ['X-Cache', result.outcome],
      ['Cache-Status', cacheStatus(result)],
      ['Server-Timing', serverTiming(result)],
    ];
    if (snapshot.storable) {
      headers.push(['ETag', snapshot.etag], ['Cache-Control', cacheControl], ['Age', String(result.ageSeconds)]);
      if (vary.length) headers.push(['Vary', vary.join(', ')]);
    }

    if (ownResponse) {
      // This request computed the value: its own response goes out, with the cache's headers.
      for (const [name, value] of headers) ownResponse.headers.set(name, value);
      if (notModified) c.res = notModifiedResponse(ownResponse.headers);
      return;
    }
    if (originRan) {
      // The origin failed and a stale entry answers instead: keep the request's headers, not the error's.
      const replaced = new Headers(c.res.headers);
      for (const name of ['Content-Type', 'Content-Length', 'Retry-After']) replaced.delete(name);
      for (const [name, value] of [...snapshot.headers, ...headers]) replaced.set(name, value);
      c.res = undefined;
      c.res = notModified ? notModifiedResponse(replaced) : new Response(snapshot.body, { status: snapshot.status, headers: replaced });
      return;
    }
    // From the cache: c.header + c.body make one Response that keeps the headers set earlier (X-Request-Id...).
    for (const [name, value] of snapshot.headers) c.header(name, value);
    for (const [name, value] of headers) c.header(name, value);
    if (notModified) {
      c.header('Content-Type', undefined);
      return c.body(null, 304);
    }
    return c.body(snapshot.body, snapshot.status as ContentfulStatusCode);
  };
}

/** 304: no body, and no Content-Type (there is no content to describe). */
function notModifiedResponse(from: Headers): Response {
  const headers = new Headers(from);
  headers.delete('Content-Type');
  headers.delete('Content-Length');
  return new Response(null, { status: 304, headers });
}
