import type { Redis } from '@upstash/redis/cloudflare';
import type { CircuitBreaker } from './circuit-breaker';
import { READ_SCRIPT, readScriptSha1, RELEASE_SCRIPT } from './read-script';

/** Upstash failed, timed out, or is skipped while the circuit is open: the caller fails open. */
export class CacheUnavailableError extends Error {
  override readonly name = 'CacheUnavailableError';
  constructor(
    message: string,
    options?: { cause?: unknown },
    /** True when no call was made (the circuit is open): the outage was already reported. */
    readonly skipped = false,
  ) {
    super(message, options);
  }
}

export interface SharedRead {
  /** The stored string, or '' when there is none. */
  stored: string;
  /** The current versions of the tags asked for, joined. */
  tagStamp: string;
  /** Set when this caller now holds the fill lease for the key. */
  leaseToken: string | undefined;
}

const uniqueToken = () => `${Date.now().toString(36)}.${crypto.randomUUID()}`;

/** The Upstash tier: entries, tag versions and fill leases under one key namespace. */
export class SharedTier {
  /**
   * `redis` answers the reads a response waits for (a tight budget); `patient` makes the calls
   * that must land even when Upstash (or this isolate) is slow: fills, releases, invalidations.
   */
  constructor(
    private readonly redis: Redis,
    private readonly patient: Redis,
    private readonly namespace: string,
    private readonly breaker: CircuitBreaker,
    private readonly tagTtlMs: number,
  ) {}

  #entryKey = (key: string) => `${this.namespace}:entry:${key}`;
  #leaseKey = (key: string) => `${this.namespace}:lease:${key}`;
  #tagKey = (tag: string) => `${this.namespace}:tag:${tag}`;

  async #call<T>(operation: string, run: () => Promise<T>, gated = true): Promise<T> {
    if (gated && !this.breaker.allows()) throw new CacheUnavailableError(`Cache skipped (${operation}): circuit open`, undefined, true);
    try {
      const result = await run();
      this.breaker.recordSuccess();
      return result;
    } catch (error) {
      this.breaker.recordFailure();
      throw new CacheUnavailableError(`Cache ${operation} failed`, { cause: error });
    }
  }

  /**
   * Entry + tag versions + (when not fresh) a fill lease, in one round trip. If the call times
   * out after Redis ran it, the lease stays until it expires (leaseMs): waiters then fall back.
   */
  read(key: string, tags: readonly string[], now: number, leaseMs: number): Promise<SharedRead> {
    return this.#call('read', async () => {
      const leaseToken = uniqueToken();
      const keys = [this.#entryKey(key), this.#leaseKey(key), ...tags.map(this.#tagKey)];
      const args = [String(now), leaseToken, String(leaseMs), uniqueToken(), String(this.tagTtlMs)];
      const sha1 = await readScriptSha1();
      const reply = await this.redis.evalsha(sha1, keys, args).catch((error: unknown) => {
        // First use on this Redis: EVAL loads the script, later calls hit EVALSHA.
        if (error instanceof Error && /^NOSCRIPT\b/.test(error.message)) return this.redis.eval(READ_SCRIPT, keys, args);
        throw error;
      });
      const [stored, tagStamp, leased] = reply as [string, string, number];
      return { stored: String(stored ?? ''), tagStamp: String(tagStamp), leaseToken: Number(leased) === 1 ? leaseToken : undefined };
    });
  }

  /** The stored string and whether anyone holds the fill lease (while waiting for another isolate's fill). */
  peek(key: string): Promise<{ stored: string | null; leased: boolean }> {
    return this.#call('peek', async () => {
      const [stored, lease] = await this.redis.pipeline().get<string>(this.#entryKey(key)).get<string>(this.#leaseKey(key)).exec();
      return { stored: stored ?? null, leased: lease !== null };
    });
  }

  /** Stores an entry and releases this caller's fill lease, in one pipelined round trip. */
  write(key: string, stored: string, retainMs: number, leaseToken: string | undefined): Promise<void> {
    return this.#call('write', async () => {
      const pipeline = this.patient.pipeline();
      pipeline.set(this.#entryKey(key), stored, { px: Math.max(1, retainMs) });
      if (leaseToken) pipeline.eval(RELEASE_SCRIPT, [this.#leaseKey(key)], [leaseToken]);
      await pipeline.exec();
    });
  }

  /** Releases this caller's fill lease without storing (nothing storable was computed). */
  releaseLease(key: string, leaseToken: string): Promise<void> {
    return this.#call('release', async () => {
      await this.patient.eval(RELEASE_SCRIPT, [this.#leaseKey(key)], [leaseToken]);
    });
  }

  /**
   * Gives each tag a new version in one round trip: every entry stamped with an older one stops
   * matching. Always attempted, even while the circuit is open: skipping it would leave
   * pre-write data valid.
   */
  invalidate(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return Promise.resolve();
    const version = uniqueToken();
    return this.#call('invalidate', async () => {
      const pipeline = this.patient.pipeline();
      for (const tag of tags) pipeline.set(this.#tagKey(tag), version, { px: this.tagTtlMs });
      await pipeline.exec();
    }, false);
  }
}
