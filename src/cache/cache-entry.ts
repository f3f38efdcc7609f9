// What a cache entry is and how it is stored in Redis: one string, a header line the read
// script can parse without JSON (freshness and tag stamp), then the payload.
//
//   ec2 <freshUntil> <staleUntil> <retainUntil> <storedAt> <seq> <tagStamp> <contentTag>…\n<payload>

export interface CacheEntry {
  /** Serves as fresh (HIT) until this time (ms since epoch). */
  freshUntil: number;
  /** Serves as stale while revalidating (STALE) until this time. */
  staleUntil: number;
  /** Kept until this time as a stale-if-error fallback; Redis expires it then. */
  retainUntil: number;
  storedAt: number;
  /** Versions of the entry's tags when its value was computed; a different stamp means invalidated. */
  tagStamp: string;
  /** The invalidation log's sequence number when the value was read: current as of then. */
  seq: number;
  /** Tags known only from the value (the products on a list page), checked against the log. */
  contentTags: readonly string[];
  /** The value as JSON (a response snapshot, for `cacheLayer`). */
  payload: string;
}

const VERSION = 'ec2';
const HEADER = /^ec2 (\d+) (\d+) (\d+) (\d+) (-?\d+) ([^ \n]*)((?: [^ \n]+)*)\n/;

export function encodeEntry(entry: CacheEntry): string {
  const contentTags = entry.contentTags.map((tag) => ` ${tag}`).join('');
  return `${VERSION} ${entry.freshUntil} ${entry.staleUntil} ${entry.retainUntil} ${entry.storedAt} ${entry.seq} ${entry.tagStamp}${contentTags}\n${entry.payload}`;
}

/** undefined for anything this layer did not write (foreign, corrupt or older-format values). */
export function decodeEntry(stored: unknown): CacheEntry | undefined {
  if (typeof stored !== 'string') return undefined;
  const match = HEADER.exec(stored);
  if (!match) return undefined;
  const [header, freshUntil, staleUntil, retainUntil, storedAt, seq, tagStamp, contentTags] = match;
  return {
    freshUntil: Number(freshUntil),
    staleUntil: Number(staleUntil),
    retainUntil: Number(retainUntil),
    storedAt: Number(storedAt),
    seq: Number(seq),
    tagStamp: tagStamp!,
    contentTags: contentTags ? contentTags.slice(1).split(' ') : [],
    payload: stored.slice(header.length),
  };
}

export type Freshness = 'fresh' | 'stale' | 'expired';

/** fresh → serve; stale → serve and revalidate; expired → only a fallback when the origin fails. */
export function freshnessOf(entry: CacheEntry, now: number): Freshness {
  if (now < entry.freshUntil) return 'fresh';
  if (now < entry.staleUntil) return 'stale';
  return 'expired';
}
