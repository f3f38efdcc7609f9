import { cacheControlDirectives, strongEtag } from './http-cache-headers';

/** What the cache keeps of a response: enough to rebuild it, byte for byte. */
export interface ResponseSnapshot {
  status: number;
  /** Headers to replay (Set-Cookie is never kept). */
  headers: Array<[string, string]>;
  body: string;
  /** The body's length in UTF-8 bytes (entries stored before it existed lack it). */
  bytes?: number;
  etag: string;
  /** Whether a shared cache may store it (RFC 9111 §3, plus "2xx only" for this API). */
  storable: boolean;
}

/** Headers a replayed response keeps; per-request ones (ids, timing, cookies) are set again each time. */
const REPLAYED_HEADERS = new Set([
  'content-type',
  'content-language',
  'vary',
  'cache-control',
  'location',
  'retry-after',
]);

/** Guards against entries of another shape (another version, or a value a handler cached under the same key). */
export function isResponseSnapshot(value: unknown): value is ResponseSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const snapshot = value as Record<string, unknown>;
  return (
    Number.isInteger(snapshot.status) &&
    typeof snapshot.body === 'string' &&
    typeof snapshot.etag === 'string' &&
    typeof snapshot.storable === 'boolean' &&
    Array.isArray(snapshot.headers) &&
    snapshot.headers.every(
      (header) => Array.isArray(header) && header.length === 2 && header.every((part) => typeof part === 'string'),
    )
  );
}

function isStorable(response: Response, allowedVary: ReadonlySet<string>): boolean {
  if (response.status < 200 || response.status >= 300 || response.status === 206) return false;
  if (response.headers.has('Set-Cookie')) return false;
  const directives = cacheControlDirectives(response.headers.get('Cache-Control'));
  if (directives.has('private') || directives.has('no-store')) return false;
  // A representation that varies on a header the key does not include cannot be shared.
  const vary = (response.headers.get('Vary') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  return vary.every((name) => name !== '*' && (allowedVary.has(name) || name === 'accept-encoding'));
}

export async function snapshotResponse(
  response: Response,
  allowedVary: ReadonlySet<string>,
): Promise<ResponseSnapshot> {
  const body = await response.text();
  const encoded = new TextEncoder().encode(body);
  const headers = [...response.headers].filter(([name]) => REPLAYED_HEADERS.has(name.toLowerCase()));
  return {
    status: response.status,
    headers,
    body,
    bytes: encoded.byteLength,
    etag: await strongEtag(encoded),
    storable: isStorable(response, allowedVary),
  };
}

/** The body's length in bytes, for Content-Length. */
export function snapshotBytes(snapshot: ResponseSnapshot): number {
  return snapshot.bytes ?? new TextEncoder().encode(snapshot.body).byteLength;
}
