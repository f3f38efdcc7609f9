// A call site's caching policy, and its resolution: defaults filled in and durations parsed once per call site.
import { type Duration, toMilliseconds } from '../timing';

/** Per-call caching policy. */
export interface CacheOptions<T = unknown> {
  /** How long a value is fresh (served as HIT). Required. */
  ttl: Duration;
  /** After `ttl`, how long the old value is still served (STALE) while one caller refreshes it. @default '0s' */
  swr?: Duration;
  /** After `ttl + swr`, how long the old value is kept to answer when the origin fails. @default '1h' */
  staleIfError?: Duration;
  /** Tags for invalidation: `invalidate(['product:42'])` drops every entry tagged so. No whitespace. @default [] */
  tags?: readonly string[];
  /**
   * Tags read off a computed value, for what only the value knows (the products on a list
   * page): invalidating one drops the entry too, race-free. No whitespace. @default none
   */
  contentTags?: (value: T) => readonly string[];
  /** Whether a computed value may be stored (e.g. not an error response). @default every value */
  storable?: (value: T) => boolean;
  /** Whether a computed value means the origin failed (a stale entry then answers instead). @default none */
  failed?: (value: T) => boolean;
  /** Whether a stored value has the expected shape; anything else is a miss. @default any value */
  validate?: (value: unknown) => value is T;
  /**
   * Refreshes the entry in the background when a STALE value is served. Defaults to calling
   * `compute` again and storing its value; an HTTP layer re-dispatches the request instead.
   */
  revalidate?: () => Promise<void>;
}

/** Options with their defaults filled in and durations in ms: what a lookup takes. */
export interface ResolvedOptions<T> {
  /** Sorted, without duplicates. */
  readonly tags: readonly string[];
  contentTags: (value: T) => readonly string[];
  ttlMs: number;
  swrMs: number;
  staleIfErrorMs: number;
  storable: (value: T) => boolean;
  failed: (value: T) => boolean;
  validate: (value: unknown) => value is T;
  revalidate?: () => Promise<void>;
}

const noContentTags = () => [];

/** Defaults filled in (here only) and durations parsed: bad durations throw at the call site's creation. */
export function resolveOptions<T>(options: CacheOptions<T>): ResolvedOptions<T> {
  return {
    tags: normalizedTags(options.tags ?? []),
    contentTags: options.contentTags ?? noContentTags,
    ttlMs: toMilliseconds(options.ttl),
    swrMs: toMilliseconds(options.swr ?? '0s'),
    staleIfErrorMs: toMilliseconds(options.staleIfError ?? '1h'),
    storable: options.storable ?? (() => true),
    failed: options.failed ?? (() => false),
    validate: options.validate ?? ((_value: unknown): _value is T => true),
    revalidate: options.revalidate,
  };
}

/**
 * `base` (resolved once, by a call site) for one call: its tags, worked out only when the lookup
 * needs them (a memory hit does not), and its revalidation.
 */
export function forCall<T>(
  base: ResolvedOptions<T>,
  tagsOf: () => readonly string[],
  revalidate?: () => Promise<void>,
): ResolvedOptions<T> {
  let tags: readonly string[] | undefined;
  return {
    ...base,
    get tags() {
      return (tags ??= normalizedTags(tagsOf()));
    },
    revalidate,
  };
}

function normalizedTags(given: readonly string[]): readonly string[] {
  const tags = [...new Set(given)].sort();
  // Tags travel space-separated in entry headers and log records.
  if (tags.some((tag) => /\s/.test(tag) || tag === ''))
    throw new TypeError(`Cache tags must be non-empty and without whitespace: ${JSON.stringify(tags)}`);
  return tags;
}
