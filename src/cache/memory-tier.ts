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
 * invalidations made by other isolates, so an item lives at most `maxStalenessMs`; writes
 * made by this isolate drop the affected items at once (`invalidate`).
 */
export class MemoryTier {
  readonly #items = new Map<string, MemoryItem>();

  constructor(
    readonly maxEntries: number,
    readonly maxStalenessMs: number,
  ) {}

  get(key: string, now: number): DecodedEntry | undefined {
    const item = this.#items.get(key);
    if (!item) return undefined;
    if (now >= item.until) {
      this.#items.delete(key);
      return undefined;
    }
    // Map order is insertion order: re-inserting marks the key most recently used.
    this.#items.delete(key);
    this.#items.set(key, item);
    return item.entry;
  }

  set(key: string, entry: DecodedEntry, tags: readonly string[], now: number): void {
    if (this.maxStalenessMs <= 0 || this.maxEntries <= 0) return;
    const until = Math.min(entry.freshUntil, now + this.maxStalenessMs);
    if (until <= now) return;
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
}
