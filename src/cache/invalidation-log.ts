/** The tail of the invalidation log as a script returns it (redis-scripts.ts). */
export interface LogTail {
  /** The log's last sequence number when the script ran. */
  seq: number;
  /** The sequence number the caller asked from. */
  since: number;
  /** Records after `since` were trimmed away: the caller has to start over. */
  gap: boolean;
  /** "<seq> <tag> <tag>…", oldest first. */
  records: readonly string[];
}

/** Tags remembered before starting over (each costs a map entry; starting over costs re-reads). */
const MAX_REMEMBERED_TAGS = 50_000;

/**
 * What this isolate knows of the invalidations made anywhere: for each tag, the last
 * invalidation's sequence number, complete for every record after `floor`. Every read from
 * Upstash brings the records that are new since the last one, so checking a value that was
 * current at sequence number N costs a map lookup per tag, and no request.
 */
export class InvalidationLog {
  readonly #lastInvalidated = new Map<string, number>();
  /** Every invalidation after this sequence number is known here. */
  #floor = Number.POSITIVE_INFINITY;
  #syncedSeq: number | undefined;
  /** The highest sequence number of any record known here. */
  #newest = Number.NEGATIVE_INFINITY;
  /** When the log was last brought up to date (ms since epoch); 0: never. */
  #syncedAt = 0;
  /** When a request last started a sync of its own, so concurrent requests do not all start one. */
  #syncStartedAt = 0;
  /** When a look at the log (a sync, or a read that brings the tail) last failed; 0: never. */
  #failedAt = 0;

  /** `firstLookBackMs`: how far back a first look asks for records (longer than any entry stays servable). */
  constructor(private readonly firstLookBackMs: number) {}

  /** The last look at the log failed and none has succeeded since. */
  get failing(): boolean {
    return this.#failedAt > this.#syncedAt;
  }

  /** A look at the log (a sync, or a read that brings the tail) failed. */
  noteFailure(now: number): void {
    this.#failedAt = now;
  }

  /**
   * Whether the caller should sync now: the log is older than `maxAgeMs` and no other request
   * started a sync within `retryAfterMs`. Claims the sync when it says yes.
   */
  claimSync(now: number, maxAgeMs: number, retryAfterMs: number): boolean {
    if (this.isRecent(now, maxAgeMs) || now - this.#syncStartedAt < retryAfterMs) return false;
    this.#syncStartedAt = now;
    return true;
  }

  /** What to ask Upstash for: records after the last one seen (a first look reaches back a while). */
  since(now: number): number {
    return this.#syncedSeq ?? now - this.firstLookBackMs;
  }

  /** The newest sequence number known here: values computed now are current as of it. */
  get seq(): number {
    return this.#syncedSeq ?? Number.NEGATIVE_INFINITY;
  }

  /**
   * The newest sequence number of any invalidation known here, this isolate's own included
   * (`seq` lags them until the next sync): a lookup starting now reflects all of them.
   */
  get newest(): number {
    return Math.max(this.#newest, this.seq);
  }

  apply(tail: LogTail, now: number): void {
    // A gap, or a log that went backwards (its keys were lost): nothing older can be vouched for.
    if (tail.gap || tail.seq < tail.since) {
      this.#startOver(tail.seq);
    } else {
      if (this.#syncedSeq === undefined) this.#floor = tail.since;
      for (const record of tail.records) this.#remember(record);
      if (this.#lastInvalidated.size > MAX_REMEMBERED_TAGS)
        this.#startOver(Math.max(tail.seq, this.#syncedSeq ?? tail.seq));
    }
    // Replies can arrive out of order: the newest wins.
    if (this.#syncedSeq === undefined || tail.seq >= this.#syncedSeq) {
      this.#syncedSeq = tail.seq;
      this.#syncedAt = now;
    }
  }

  /** Whether a value current at `seq` still is, as far as the records known here go, for every tag. */
  isCurrent(tags: readonly string[], seq: number): boolean {
    if (seq < this.#floor) return false;
    for (const tag of tags) {
      const last = this.#lastInvalidated.get(tag);
      if (last !== undefined && last > seq) return false;
    }
    return true;
  }

  /**
   * Whether a record known here invalidated one of `tags` after `seq` (records before the
   * floor are not vouched for: this answers "did something change since", not "is it current").
   */
  changedSince(tags: readonly string[], seq: number): boolean {
    if (this.#newest <= seq) return false;
    return tags.some((tag) => (this.#lastInvalidated.get(tag) ?? Number.NEGATIVE_INFINITY) > seq);
  }

  /** Whether any record known here is newer than `seq`. */
  anyChangeSince(seq: number): boolean {
    return this.#newest > seq;
  }

  /** This isolate's own invalidation, known before the next sync brings it. */
  note(seq: number, tags: readonly string[]): void {
    this.#remember([seq, ...tags].join(' '));
  }

  /** Synced within `maxAgeMs`: what memory holds may be served as current. */
  isRecent(now: number, maxAgeMs: number): boolean {
    return now - this.#syncedAt <= maxAgeMs;
  }

  #remember(record: string): void {
    const parts = record.split(' ');
    const seq = Number(parts[0]);
    if (!Number.isFinite(seq)) return;
    if (seq > this.#newest) this.#newest = seq;
    for (let i = 1; i < parts.length; i++) {
      const tag = parts[i]!;
      if ((this.#lastInvalidated.get(tag) ?? Number.NEGATIVE_INFINITY) < seq) this.#lastInvalidated.set(tag, seq);
    }
  }

  #startOver(seq: number): void {
    this.#lastInvalidated.clear();
    this.#floor = seq;
    this.#syncedSeq = seq;
  }
}
