import type { CacheEntry } from './cache-entry';

/** An entry with its payload already decoded: memory hits skip parsing. Treat values as read-only. */
export interface DecodedEntry<T = unknown> extends CacheEntry {
  value: T;
}

export interface MemoryItem {
  entry: DecodedEntry;
  /** Every tag of the entry: its options' and its content tags. */
  tags: readonly string[];
  /** The invalidation log's sequence number the entry is known to be current at. */
  validAsOf: number;
}

/**
 * The isolate-local tier in front of Upstash: hot keys skip the network. Items are served while
 * fresh and while the invalidation log (kept by the caller) shows none of their tags changed
 * since `validAsOf`; writes made by this isolate drop the affected items at once (`invalidate`).
 * Items are kept until their entry's `retainUntil` (LRU-bounded), so that while Upstash cannot
 * be asked, this isolate still answers from what it has (`retained`) instead of sending every
 * request to the database.
 */
export class MemoryTier {
  readonly #items = new Map<string, MemoryItem>();

  constructor(readonly maxEntries: number) {}

  /** The item while its entry is fresh; whether it is still current is the caller's check. */
  get(key: string, now: number): MemoryItem | undefined {
    const item = this.#touch(key, now);
    return item && now < item.entry.freshUntil ? item : undefined;
  }

  /** The entry past the staleness bound too (until its `retainUntil`): the fallback while Upstash is unavailable. */
  retained(key: string, now: number): DecodedEntry | undefined {
    return this.#touch(key, now)?.entry;
  }

  set(key: string, entry: DecodedEntry, tags: readonly string[], validAsOf: number, now: number): void {
    if (this.maxEntries <= 0 || entry.retainUntil <= now) return;
    const allTags = entry.contentTags.length ? [...tags, ...entry.contentTags] : tags;
    this.#items.delete(key);
    this.#items.set(key, { entry, tags: allTags, validAsOf });
    while (this.#items.size > this.maxEntries) {
      const oldest = this.#items.keys().next().value as string;
      this.#items.delete(oldest);
    }
  }

  /** Drops `key` if it still holds `entry` (and not a newer one). */
  forget(key: string, entry: DecodedEntry): void {
    if (this.#items.get(key)?.entry === entry) this.#items.delete(key);
  }

  /** Drops every item carrying one of `tags`. Linear, but bounded by `maxEntries` and only on writes. */
  invalidate(tags: readonly string[]): void {
    const dropped = new Set(tags);
    for (const [key, item] of this.#items) {
      if (item.tags.some((tag) => dropped.has(tag))) this.#items.delete(key);
    }
  }

  get size(): number {
    return this.#items.size;
  }

  /** The live item, marked most recently used; expired items are dropped on the way. */
  #touch(key: string, now: number): MemoryItem | undefined {
    const item = this.#items.get(key);
    if (!item) return undefined;
    this.#items.delete(key);
    if (now >= item.entry.retainUntil) return undefined;
    // Map order is insertion order: re-inserting marks the key most recently used.
    this.#items.set(key, item);
    return item;
  }
}
