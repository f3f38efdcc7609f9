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
  /** Keys by tag, so a write drops its items without scanning the whole tier. */
  readonly #keysByTag = new Map<string, Set<string>>();

  constructor(readonly maxEntries: number) {}

  /** The item while its entry is fresh; whether it is still current is the caller's check. */
  get(key: string, now: number): MemoryItem | undefined {
    const item = this.#touch(key, now);
    return item && now < item.entry.freshUntil ? item : undefined;
  }

  /** The entry past its freshness too (until its `retainUntil`): the fallback while Upstash is unavailable. */
  retained(key: string, now: number): DecodedEntry | undefined {
    return this.#touch(key, now)?.entry;
  }

  set(key: string, entry: DecodedEntry, tags: readonly string[], validAsOf: number, now: number): void {
    if (this.maxEntries <= 0 || entry.retainUntil <= now) return;
    const allTags = entry.contentTags.length ? [...tags, ...entry.contentTags] : tags;
    this.#delete(key);
    this.#items.set(key, { entry, tags: allTags, validAsOf });
    for (const tag of allTags) {
      let keys = this.#keysByTag.get(tag);
      if (!keys) this.#keysByTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
    while (this.#items.size > this.maxEntries) this.#delete(this.#items.keys().next().value as string);
  }

  /** Drops `key` if it still holds `entry` (and not a newer one). */
  forget(key: string, entry: DecodedEntry): void {
    if (this.#items.get(key)?.entry === entry) this.#delete(key);
  }

  /** Drops every item carrying one of `tags`. */
  invalidate(tags: readonly string[]): void {
    for (const tag of tags) {
      const keys = this.#keysByTag.get(tag);
      if (keys) for (const key of [...keys]) this.#delete(key);
    }
  }

  get size(): number {
    return this.#items.size;
  }

  #delete(key: string): void {
    const item = this.#items.get(key);
    if (!item) return;
    this.#items.delete(key);
    for (const tag of item.tags) {
      const keys = this.#keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#keysByTag.delete(tag);
    }
  }

  /** The live item, marked most recently used; expired items are dropped on the way. */
  #touch(key: string, now: number): MemoryItem | undefined {
    const item = this.#items.get(key);
    if (!item) return undefined;
    if (now >= item.entry.retainUntil) {
      this.#delete(key);
      return undefined;
    }
    // Map order is insertion order: re-inserting marks the key most recently used (the tag index is unchanged).
    this.#items.delete(key);
    this.#items.set(key, item);
    return item;
  }
}
