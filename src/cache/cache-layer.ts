import type { Context, HonoRequest, MiddlewareHandler } from 'hono';
import { SECURITY_HEADERS, secured } from '../http/security-headers';
import { type Duration, toMilliseconds } from '../timing';
import { forCall, resolveOptions } from './cache-options';
import type { CacheResult } from './cache-result';
import { cacheControlDirectives, cacheStatus, ifNoneMatchMatches, serverTiming } from './http-cache-headers';
import { isResponseSnapshot, type ResponseSnapshot, snapshotBytes, snapshotResponse } from './response-snapshot';
import type { CacheEnv } from './with-cache-session';

export interface CacheLayerOptions<E extends CacheEnv = CacheEnv> {
  /** How long a response is fresh in the edge cache. Required. */
  ttl: Duration;
  /**
   * How long caches this app cannot invalidate (CDNs, proxies) may serve a response without
   * asking: `s-maxage`. The edge cache is invalidated by every write, so its `ttl` can be long;
   * a downstream cache only expires. @default ttl
   */
  cdnTtl?: Duration;
  /** How long a stale response is served while it is refreshed in the background. @default '0s' */
  swr?: Duration;
  /** How long a stale response is kept to answer when the origin fails. @default '1h' */
  staleIfError?: Duration;
  /**
   * How long browsers may reuse a response without asking (`max-age`). The default makes them
   * revalidate every time, which costs a 304 from the cache and never shows a client its own
   * pre-write data. @default '0s'
   */
  browserTtl?: Duration;
  /** Invalidation tags for this request's response. @default [] */
  tags?: (c: Context<E>) => readonly string[];
  /**
   * Tags read off a response that will be cached (e.g. the product ids on a list page), so a
   * write to one of them drops the page without dropping every page. @default none
   */
  contentTags?: (response: ResponseSnapshot) => readonly string[];
  /** The cache key. @default path and query string, parameters sorted */
  key?: (c: Context<E>) => string;
  /** Caches only requests this accepts (e.g. valid parameters), so junk cannot fill the cache. @default every request */
  when?: (c: Context<E>) => boolean;
  /** Request headers that select a different representation: part of the key, sent as `Vary`. @default [] */
  vary?: readonly string[];
  /**
   * Whether a request may force origin work with its own directives: `no-cache` recomputes,
   * `no-store` and `Authorization` bypass the cache. Asked only of requests that carry one. For
   * everyone else they change nothing: the cache answers as for any request (it is the origin's
   * own, and invalidated by every write, so it never serves what a write changed), as CDNs ignore
   * anonymous clients' directives; otherwise one client with a loop could send every request to
   * the database. @default nobody
   */
  trustsClient?: (c: Context<E>) => boolean | Promise<boolean>;
}

/** Path plus query string with parameters sorted, so `?a=1&b=2` and `?b=2&a=1` share an entry. */
export function defaultCacheKey(c: { req: Pick<HonoRequest, 'url' | 'path'> }): string {
  const url = c.req.url;
  const queryStart = url.indexOf('?');
  // The hot path (no query string) skips URL parsing.
  if (queryStart === -1) return `${c.req.path}?`;
  const params = [...new URLSearchParams(url.slice(queryStart + 1))].sort(([a, av], [b, bv]) =>
    a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0,
  );
  return `${c.req.path}?${new URLSearchParams(params).toString()}`;
}

function bypassReasonOf(
  c: { req: Pick<HonoRequest, 'header'> },
  requestDirectives: ReadonlySet<string>,
): string | undefined {
  if (requestDirectives.has('no-store')) return 'no-store';
  // no-cache recomputes and stores: a trusted client's way to refresh an entry for everyone.
  if (requestDirectives.has('no-cache')) return undefined;
  // Otherwise a trusted client that authenticates asks the origin itself.
  if (c.req.header('Authorization')) return 'authorization';
  return undefined;
}

/**
 * Background revalidations replayed through the app (`dispatch`): they recompute whoever the
 * original client was. Marked by their Request object, which no client can forge (a header could
 * be sent by anyone); made and used by the revalidating request only.
 */
const revalidations = new WeakSet<Request>();

/** The request's cache directives if it may act on them, else none (see `trustsClient`). */
async function honouredDirectives<E extends CacheEnv>(
  c: Context<E>,
  trustsClient: (c: Context<E>) => boolean | Promise<boolean>,
): Promise<ReadonlySet<string>> {
  if (revalidations.has(c.req.raw)) return RECOMPUTE;
  const directives = cacheControlDirectives(c.req.header('Cache-Control'));
  if (directives.size === 0 && !c.req.header('Authorization')) return directives;
  return (await trustsClient(c)) ? directives : NO_DIRECTIVES;
}
const NO_DIRECTIVES: ReadonlySet<string> = new Set();
const RECOMPUTE: ReadonlySet<string> = new Set(['no-cache']);
const nobody = () => false;

const seconds = (duration: Duration) => Math.round(toMilliseconds(duration) / 1000);
const secondsOf = (ms: number) => Math.round(ms / 1000);

/**
 * Caches GET/HEAD responses in the edge cache (memory, then Upstash), stampede-proof, with
 * stale-while-revalidate, stale-if-error, ETag/304 and the `X-Cache`, `Cache-Status` and
 * `Server-Timing` headers. Needs a `cache` session on the context (`withCacheSession`).
 */
export function cacheLayer<E extends CacheEnv = CacheEnv>(options: CacheLayerOptions<E>): MiddlewareHandler<E> {
  // Resolved and validated once, at creation (defaults filled in by `resolveOptions`): bad durations throw here, never per request.
  const policy = resolveOptions<ResponseSnapshot>({
    ttl: options.ttl,
    swr: options.swr,
    staleIfError: options.staleIfError,
    contentTags: options.contentTags,
    storable: (snapshot) => snapshot.storable,
    failed: (snapshot) => snapshot.status >= 500,
    validate: isResponseSnapshot,
  });
  const ttlSeconds = secondsOf(policy.ttlMs);
  const swrSeconds = secondsOf(policy.swrMs);
  const staleIfErrorSeconds = secondsOf(policy.staleIfErrorMs);
  const browserSeconds = seconds(options.browserTtl ?? '0s');
  const vary = [...(options.vary ?? [])].map((name) => name.toLowerCase());
  const allowedVary = new Set(vary);
  const keyOf = options.key ?? defaultCacheKey;
  const tagsOf = options.tags ?? (() => []);
  const cacheable = options.when ?? (() => true);
  const trustsClient = options.trustsClient ?? nobody;
  const cdnSeconds = options.cdnTtl === undefined ? ttlSeconds : seconds(options.cdnTtl);
  const cacheControl =
    `public, max-age=${browserSeconds}, s-maxage=${cdnSeconds}` +
    (swrSeconds ? `, stale-while-revalidate=${swrSeconds}` : '') +
    `, stale-if-error=${staleIfErrorSeconds}`;

  // Per entry, as plain data shared by the isolate's requests (only ever copied, never changed).
  const prebuilt = new WeakMap<ResponseSnapshot, Headers>();
  const replayedHeadersOf = (snapshot: ResponseSnapshot): Headers => {
    let headers = prebuilt.get(snapshot);
    if (!headers) {
      headers = replayedHeaders(snapshot, snapshot.storable ? { etag: snapshot.etag, cacheControl, vary } : undefined);
      prebuilt.set(snapshot, headers);
    }
    return headers;
  };

  return async function cacheLayer(c, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return next();
    if (!cacheable(c)) return next();
    const requestDirectives = await honouredDirectives(c, trustsClient);
    const bypassReason = requestDirectives === NO_DIRECTIVES ? undefined : bypassReasonOf(c, requestDirectives);
    if (bypassReason) {
      await next();
      c.res.headers.set('X-Cache', 'BYPASS');
      c.res.headers.set(
        'Cache-Status',
        cacheStatus({ outcome: 'BYPASS', detail: bypassReason, stored: false, ttlSeconds: 0 }),
      );
      return;
    }

    const session = c.get('cache');
    // `http:` keeps response entries apart from values handlers cache with `lookup()`.
    const key = `http:${keyOf(c)}${vary.map((name) => `|${name}=${c.req.header(name) ?? ''}`).join('')}`;
    let ownSnapshot: ResponseSnapshot | undefined;
    const compute = async (): Promise<ResponseSnapshot> => {
      await next();
      ownSnapshot = await snapshotResponse(c.res.clone(), allowedVary);
      return ownSnapshot;
    };
    // Refreshing after the response is sent: replay the request through the whole app, marked to recompute.
    const revalidate = async () => {
      const headers = new Headers(
        vary.flatMap((name) => {
          const value = c.req.header(name);
          return value === undefined ? [] : [[name, value] as [string, string]];
        }),
      );
      const revalidation = new Request(c.req.url, { headers });
      revalidations.add(revalidation);
      await c.get('dispatch')(revalidation);
    };
    const cacheOptions = forCall(policy, () => tagsOf(c), revalidate);

    const forceRefresh = requestDirectives.has('no-cache');
    const result = forceRefresh
      ? await session.refresh(key, compute, cacheOptions)
      : await session.lookup(key, compute, cacheOptions);
    const snapshot = result.value;
    const notModified = snapshot.storable && ifNoneMatchMatches(c.req.header('If-None-Match'), snapshot.etag);
    const perRequest = perRequestHeaders(result, ownSnapshot?.status, snapshot.storable);
    const headers = [
      ...perRequest,
      ...storedHeaders(snapshot.storable ? { etag: snapshot.etag, cacheControl, vary } : undefined),
    ];

    if (ownSnapshot && snapshot === ownSnapshot) {
      // This request computed the answer: its own response goes out, with the cache's headers.
      for (const [name, value] of headers) c.res.headers.set(name, value);
      if (!c.res.headers.has('Content-Length')) c.res.headers.set('Content-Length', String(snapshotBytes(snapshot)));
      if (notModified) c.res = notModifiedResponse(c.res.headers);
      return;
    }
    if (ownSnapshot) {
      // The origin failed here and a stale entry answers instead: keep the request's headers, not the error's.
      const replaced = new Headers(c.res.headers);
      for (const name of ['Content-Type', 'Content-Length', 'Retry-After']) replaced.delete(name);
      for (const [name, value] of [...snapshot.headers, ...headers]) replaced.set(name, value);
      replaced.set('Content-Length', String(snapshotBytes(snapshot)));
      c.res = undefined;
      c.res = notModified
        ? notModifiedResponse(replaced)
        : new Response(snapshot.body, { status: snapshot.status, headers: replaced });
      return;
    }
    if (notModified) {
      // From the cache (or another request's computation), unchanged: a 304 that keeps the headers set earlier (X-Request-Id...).
      for (const [name, value] of [...snapshot.headers, ...headers]) c.header(name, value);
      c.header('Content-Type', undefined);
      return c.body(null, 304);
    }
    // The hot path, a hit: a Response on the entry's prebuilt headers, then the per-request ones.
    // (Each Headers call crosses into workerd's C++: ~1-2 µs; iterating one costs more per entry.)
    const response = secured(
      new Response(snapshot.body, { status: snapshot.status, headers: replayedHeadersOf(snapshot) }),
    );
    for (const [name, value] of perRequest) response.headers.set(name, value);
    // Hono merges in what was set on c.res earlier (CORS headers), as for any response.
    c.res = response;
  };
}

/** What a storable answer adds: its validator and the route's caching headers. */
interface StoredHeaders {
  etag: string;
  cacheControl: string;
  vary: readonly string[];
}

/**
 * A hit's headers but the per-request ones, on SECURITY_HEADERS: what every request answered
 * from the same entry shares. Content-Length is declared, so the compression middleware and the
 * metrics know the size without reading the body.
 */
function replayedHeaders(snapshot: ResponseSnapshot, stored: StoredHeaders | undefined): Headers {
  const headers = new Headers(SECURITY_HEADERS);
  for (const [name, value] of [...snapshot.headers, ...storedHeaders(stored)]) headers.set(name, value);
  headers.set('Content-Length', String(snapshotBytes(snapshot)));
  return headers;
}

/** What changes from one request to the next: the outcome, the timings and, for a stored answer, its age. */
function perRequestHeaders(
  result: CacheResult<ResponseSnapshot>,
  originStatus: number | undefined,
  storable: boolean,
): Array<[string, string]> {
  const headers: Array<[string, string]> = [
    ['X-Cache', result.outcome],
    [
      'Cache-Status',
      cacheStatus({
        ...result,
        originStatus: originStatus ?? (result.value.status >= 500 ? result.value.status : undefined),
      }),
    ],
    ['Server-Timing', serverTiming(result)],
  ];
  if (storable) headers.push(['Age', String(result.ageSeconds)]);
  return headers;
}

/** A storable answer's validator and caching headers: the same for every request answered from one entry. */
function storedHeaders(stored: StoredHeaders | undefined): Array<[string, string]> {
  if (!stored) return [];
  const headers: Array<[string, string]> = [
    ['ETag', stored.etag],
    ['Cache-Control', stored.cacheControl],
  ];
  if (stored.vary.length) headers.push(['Vary', stored.vary.join(', ')]);
  return headers;
}

/** 304: no body, and no Content-Type (there is no content to describe). */
function notModifiedResponse(from: Headers): Response {
  const headers = new Headers(from);
  headers.delete('Content-Type');
  headers.delete('Content-Length');
  return new Response(null, { status: 304, headers });
}
