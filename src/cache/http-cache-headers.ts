// HTTP caching header helpers: request directives (RFC 9111), validators (RFC 9110),
// Cache-Status (RFC 9211) and Server-Timing.

import { toBase64Url } from '../encoding/base64url';
import type { CacheResult } from './cache-result';

/** The directive names of a Cache-Control header, lower-cased. */
export function cacheControlDirectives(header: string | undefined | null): Set<string> {
  const directives = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const name = part.split('=')[0]?.trim().toLowerCase();
    if (name) directives.add(name);
  }
  return directives;
}

/** A strong validator from the body's SHA-256 (RFC 9110 §8.8.3): equal bytes, equal ETag. */
export async function strongEtag(body: string | Uint8Array): Promise<string> {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `"${toBase64Url(String.fromCharCode(...digest)).slice(0, 27)}"`;
}

/** If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`. */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => opaque(candidate) === opaque(etag));
}

export interface CacheStatusFacts {
  outcome: CacheResult<unknown>['outcome'];
  /** A CacheDetail, or a bypass reason. */
  detail: string;
  stored: boolean;
  ttlSeconds: number;
  /** Status of the origin's answer when it failed (fwd-status). */
  originStatus?: number;
}

/** RFC 9211 Cache-Status for this cache ("edge-api"). */
export function cacheStatus(facts: CacheStatusFacts): string {
  const failedWith =
    facts.originStatus !== undefined && facts.originStatus >= 500 ? `; fwd-status=${facts.originStatus}` : '';
  switch (facts.outcome) {
    case 'HIT':
      return `edge-api; hit; ttl=${facts.ttlSeconds}; detail=${facts.detail}`;
    case 'STALE':
      return facts.detail === 'stale-if-error'
        ? `edge-api; fwd=uri-miss${failedWith}; ttl=${facts.ttlSeconds}; detail=stale-if-error`
        : `edge-api; hit; ttl=${facts.ttlSeconds}; detail=${facts.detail}`; // stale-while-revalidate, cache-unavailable
    case 'MISS':
      return (
        `edge-api; fwd=${facts.detail === 'refresh' ? 'request' : 'uri-miss'}${failedWith}` +
        `${facts.detail === 'collapsed' ? '; collapsed' : ''}${facts.stored ? '; stored' : ''}` +
        `${facts.detail === 'invalidation-pending' ? '; detail=invalidation-pending' : ''}`
      );
    case 'BYPASS':
      return `edge-api; fwd=bypass; detail=${facts.detail}`;
  }
}

/** Server-Timing entries: `cache` (lookup time, outcome in desc) and `db` (origin time, when there was one). */
export function serverTiming(
  result: Pick<CacheResult<unknown>, 'outcome' | 'detail' | 'cacheMs' | 'originMs'>,
): string {
  const metrics = [`cache;dur=${result.cacheMs.toFixed(1)};desc="${result.outcome} ${result.detail}"`];
  if (result.originMs > 0) metrics.push(`db;dur=${result.originMs.toFixed(1)}`);
  return metrics.join(', ');
}
