import type { CacheEntry } from './cache-entry';

/** An entry with its payload already decoded: memory hits skip parsing. Treat values as read-only. */
export interface DecodedEntry<T = unknown> extends CacheEntry {
  value: T;
}

interface MemoryItem {
  entry: DecodedEntry;
  tags: readonly string[];
  /** Served from memory until then: the entry's freshness, capped by the staleness bound. */
  until: number;
}

/**
 * The isolate-local tier in front of Upstash: hot keys skip the network. It cannot see
 * invalidations made by other isolates, so an item is served as current for at most
 * `maxStalenessMs`; writes made by this isolate drop the affected items at once (`invalidate`).
 * Items are kept until their entry's `retainUntil` (LRU-bounded), so that while Upstash cannot
 * be asked, this isolate still answers from what it has (`retained`) instead of sending every
 * request to the database.
 */
export class MemoryTier {
  readonly #items = new Map<string, MemoryItem>();

  constructor(
    readonly maxEntries: number,
    readonly maxStalenessMs: number,
  ) {}

  /** The entry, while it may be served without asking Upstash. */
  get(key: string, now: number): DecodedEntry | undefined {
    const item = this.#touch(key, now);
    return item && now < item.until ? item.entry : undefined;
  }

  /** The entry past the staleness bound too (until its `retainUntil`): the fallback while Upstash is unavailable. */
  retained(key: string, now: number): DecodedEntry | undefined {
    return this.#touch(key, now)?.entry;
  }

  set(key: string, entry: DecodedEntry, tags: readonly string[], now: number): void {
    if (this.maxStalenessMs <= 0 || this.maxEntries <= 0 || entry.retainUntil <= now) return;
    const until = Math.min(entry.freshUntil, now + this.maxStalenessMs);
    this.#items.delete(key);
    this.#items.set(key, { entry, tags, until });
    while (this.#items.size > this.maxEntries) {
      const oldest = this.#items.keys().next().value as string;
      this.#items.delete(oldest);
    }
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
