/**
 * Everything that went wrong in the cache, as one union: each failure is reported here (by
 * `EdgeCache`'s `onEvent`), none is thrown to a request or swallowed.
 */
export type CacheEvent =
  /** An Upstash call failed or timed out; the request went on without it (fail-open). */
  | { type: 'cache-unavailable'; operation: string; error: unknown; requestId?: string }
  /** Upstash did not take an invalidation; this isolate bypasses the tags' entries and retries (`attempt` 0: a background retry). */
  | { type: 'invalidation-failed'; tags: readonly string[]; attempt: number; error: unknown; requestId?: string }
  /** A background refresh of a stale entry failed; the stale value keeps answering and a later request tries again. */
  | { type: 'revalidation-failed'; key: string; error: unknown; requestId?: string }
  /** A value's content tags could not be read, so it was not stored (an entry without them could go stale unseen). */
  | { type: 'content-tags-failed'; key: string; error: unknown; requestId?: string }
  /** A computed value could not be stored as JSON (a BigInt, a cycle): answered, not stored. */
  | { type: 'value-not-storable'; key: string; error: unknown; requestId?: string };
