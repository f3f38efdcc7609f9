import type { Context, MiddlewareHandler } from 'hono';
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
  const url = new URL(c.req.url);
  const params = [...url.searchParams].sort(([a, av], [b, bv]) => a.localeCompare(b) || av.localeCompare(bv));
  return `${url.pathname}?${new URLSearchParams(params).toString()}`;
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
    const compute = async (): Promise<ResponseSnapshot> => {
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
    // Not storable (e.g. a 404): this request's own response goes out as the handler made it.
    const response = !snapshot.storable && ownResponse ? ownResponse : rebuild(snapshot, c.req.header('If-None-Match'));
    if (snapshot.storable) {
      response.headers.set('ETag', snapshot.etag);
      response.headers.set('Cache-Control', cacheControl);
      response.headers.set('Age', String(result.ageSeconds));
      if (vary.length) response.headers.set('Vary', vary.join(', '));
    }
    response.headers.set('X-Cache', result.outcome);
    response.headers.set('Cache-Status', cacheStatus(result));
    response.headers.append('Server-Timing', serverTiming(result));
    // Reading c.res first makes Hono carry over headers set earlier in the chain (X-Request-Id...).
    void c.res;
    c.res = response;
  };
}

/** The cached response, or 304 with no body when the client already has this representation. */
function rebuild(snapshot: ResponseSnapshot, ifNoneMatch: string | undefined): Response {
  const headers = new Headers(snapshot.headers);
  if (snapshot.storable && ifNoneMatchMatches(ifNoneMatch, snapshot.etag)) {
    headers.delete('Content-Type');
    return new Response(null, { status: 304, headers });
  }
  return new Response(snapshot.body, { status: snapshot.status, headers });
}
