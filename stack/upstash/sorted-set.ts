// Sorted sets for the in-memory backend. ioredis-mock copies a whole sorted set on every access
// and sorts it on every range read; the cache's invalidation log is a sorted set of up to 1,000
// records read on nearly every call, so that cost 0.3 ms per read and 2 ms per invalidation of
// the endpoint's one thread. Here members stay in order: a range is a binary search and a slice.
//
// The mock stores any plain object by shallow copy, so a sorted set lives in its data as
// `{ [SORTED_SET]: SortedSet }`: every copy shares the one SortedSet, and the generic key
// commands (DEL, EXISTS, EXPIRE, TTL, DBSIZE, FLUSHDB) work on it unchanged.

export const SORTED_SET = Symbol('sorted set');

export interface ScoredMember {
  score: number;
  member: string;
}

/** Redis's order: by score, then by member's bytes. */
function compare(a: ScoredMember, b: ScoredMember): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return Buffer.compare(Buffer.from(a.member), Buffer.from(b.member));
}

export class SortedSet {
  readonly #scores = new Map<string, number>();
  /** Every member, in Redis's order. */
  readonly #ordered: ScoredMember[] = [];

  get size(): number {
    return this.#ordered.length;
  }

  score(member: string): number | undefined {
    return this.#scores.get(member);
  }

  /** Adds `member` or moves it to `score`. */
  set(member: string, score: number): void {
    if (this.#scores.has(member)) this.delete(member);
    const item = { score, member };
    this.#ordered.splice(
      this.#firstAtOrAfter((other) => compare(other, item) >= 0),
      0,
      item,
    );
    this.#scores.set(member, score);
  }

  delete(member: string): boolean {
    const score = this.#scores.get(member);
    if (score === undefined) return false;
    const item = { score, member };
    this.#ordered.splice(
      this.#firstAtOrAfter((other) => compare(other, item) >= 0),
      1,
    );
    this.#scores.delete(member);
    return true;
  }

  /** The member's rank (0 for the lowest score), or undefined when it is not there. */
  rank(member: string): number | undefined {
    const score = this.#scores.get(member);
    if (score === undefined) return undefined;
    const item = { score, member };
    return this.#firstAtOrAfter((other) => compare(other, item) >= 0);
  }

  /** Members from rank `start` to `stop` inclusive (already clamped to 0 … size - 1). */
  byRank(start: number, stop: number): ScoredMember[] {
    return this.#ordered.slice(start, stop + 1);
  }

  /** Members whose score is within the bounds, in order. */
  byScore(min: ScoreBound, max: ScoreBound): ScoredMember[] {
    const from = this.#firstAtOrAfter((item) => (min.exclusive ? item.score > min.value : item.score >= min.value));
    const to = this.#firstAtOrAfter((item) => (max.exclusive ? item.score >= max.value : item.score > max.value));
    return this.#ordered.slice(from, Math.max(from, to));
  }

  /** Members within the lexical bounds (meaningful when all scores are equal, as in Redis). */
  byLex(min: LexBound, max: LexBound): ScoredMember[] {
    return this.#ordered.filter((item) => lexAbove(item.member, min) && lexBelow(item.member, max));
  }

  /** The index of the first item for which `reached` holds (`reached` is false, then true, along the order). */
  #firstAtOrAfter(reached: (item: ScoredMember) => boolean): number {
    let low = 0;
    let high = this.#ordered.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (reached(this.#ordered[middle]!)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

export interface ScoreBound {
  value: number;
  exclusive: boolean;
}

/** '-' and '+' are the open ends; otherwise a member, inclusive ('[') or exclusive ('('). */
export type LexBound = '-' | '+' | { member: string; exclusive: boolean };

function lexAbove(member: string, min: LexBound): boolean {
  if (min === '-') return true;
  if (min === '+') return false;
  const order = Buffer.compare(Buffer.from(member), Buffer.from(min.member));
  return min.exclusive ? order > 0 : order >= 0;
}

function lexBelow(member: string, max: LexBound): boolean {
  if (max === '+') return true;
  if (max === '-') return false;
  const order = Buffer.compare(Buffer.from(member), Buffer.from(max.member));
  return max.exclusive ? order < 0 : order <= 0;
}
