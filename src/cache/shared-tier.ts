import type { Redis } from '@upstash/redis/cloudflare';
import { lateBy, wentSilent } from '../timing';
import { noteUpstashAnswer } from '../upstash';
import type { CircuitBreaker } from './circuit-breaker';
import type { EdgeCache } from './edge-cache';
import type { LogTail } from './invalidation-log';
import {
  FAILED_LEASE_PREFIX,
  FILL_SCRIPT,
  FORGET_LOG_SCRIPT,
  INVALIDATE_SCRIPT,
  LOG_CAP,
  LOG_TAIL_SCRIPT,
  READ_SCRIPT,
  RELEASE_SCRIPT,
  SHARE_FAILURE_SCRIPT,
  scriptSha1,
} from './redis-scripts';

/** Upstash failed, timed out, or is skipped while the circuit is open: the caller fails open. */
export class CacheUnavailableError extends Error {
  override readonly name = 'CacheUnavailableError';
  constructor(
    message: string,
    options?: { cause?: unknown },
    /** True when no call was made (the circuit is open): the outage was already reported. */
    readonly skipped = false,
    /** True when the call timed out late: this isolate was too busy to hear the answer in time. */
    readonly overloaded = false,
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
  /** The invalidation log since the caller's last look; `tail.seq` is what a value computed now is current as of. */
  tail: LogTail;
}

/** The commands the tier sends (an `@upstash/redis` client; tests pass a scripted one). */
export type UpstashClient = Pick<Redis, 'evalsha' | 'eval' | 'set' | 'pipeline' | 'del'>;

/** Budgets of the two clients, to tell Upstash's slowness from this isolate's. */
export interface CallBudgets {
  fastMs: number;
  patientMs: number;
}

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');

const uniqueToken = () => `${Date.now().toString(36)}.${crypto.randomUUID()}`;

/**
 * Runs a call that may safely run twice, once more when its budget passed with no answer at all.
 * One call can be lost or held up on its way (a connection stuck in a queue) while Upstash keeps
 * answering: with 4 isolates under load, a read now and then arrived 575 ms late or never, and
 * each became a BYPASS that sent its request to the database. The second call is a new fetch; only
 * its silence too counts as an outage (a BYPASS, and one failure toward the breaker).
 */
async function onceMoreIfSilent<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!wentSilent(error)) throw error;
    return run();
  }
}

/** A script's reply `[seq, gap, [records]]`, with what was asked. */
function logTailOf(reply: unknown, since: number): LogTail {
  const [seq, gap, records] = reply as [string | number, number, unknown[]];
  return { seq: Number(seq), since, gap: Number(gap) === 1, records: (records ?? []).map(String) };
}

/** The Upstash tier: entries, tag versions, fill leases and the invalidation log under one key namespace. */
export class SharedTier {
  /**
   * `redis` answers the reads a response waits for (a tight budget); `patient` makes the calls
   * that must land even when Upstash (or this isolate) is slow: fills, releases, invalidations.
   */
  constructor(
    private readonly redis: UpstashClient,
    private readonly patient: UpstashClient,
    private readonly namespace: string,
    private readonly breaker: CircuitBreaker,
    private readonly tagTtlMs: number,
    private readonly budgets: CallBudgets,
  ) {}

  #entryKey = (key: string) => `${this.namespace}:entry:${key}`;
  #leaseKey = (key: string) => `${this.namespace}:lease:${key}`;
  #tagKey = (tag: string) => `${this.namespace}:tag:${tag}`;
  #logKeys = () => [`${this.namespace}:seq`, `${this.namespace}:log`, `${this.namespace}:floor`];

  /**
   * Runs one Upstash call through the breaker. A timeout that ran past its budget (queued here or
   * behind other calls) is load, not an Upstash failure: it does not count toward opening the
   * circuit, which would send every request to the database exactly when the isolate is busiest.
   * A budget in which Upstash answered nothing does; a `repeatable` call (safe to run twice) is
   * first made once more (`onceMoreIfSilent`).
   */
  async #call<T>(
    operation: string,
    run: () => Promise<T>,
    { gated = true, patient = false, repeatable = false } = {},
  ): Promise<T> {
    if (gated && !this.breaker.allows())
      throw new CacheUnavailableError(`Cache skipped (${operation}): circuit open`, undefined, true);
    const started = Date.now();
    try {
      const result = await (repeatable ? onceMoreIfSilent(run) : run());
      noteUpstashAnswer();
      this.breaker.recordSuccess();
      return result;
    } catch (error) {
      const budgetMs = patient ? this.budgets.patientMs : this.budgets.fastMs;
      const overloaded = isTimeout(error) && !wentSilent(error) && Date.now() - started > budgetMs + lateBy(budgetMs);
      if (!overloaded) this.breaker.recordFailure();
      throw new CacheUnavailableError(
        `Cache ${operation} failed${overloaded ? ' (this isolate was overloaded)' : ''}`,
        { cause: error },
        false,
        overloaded,
      );
    }
  }

  /** EVALSHA, falling back to EVAL the first time a Redis sees the script. */
  async #script(client: UpstashClient, script: string, keys: string[], args: string[]): Promise<unknown> {
    const sha1 = await scriptSha1(script);
    return client.evalsha(sha1, keys, args).catch((error: unknown) => {
      if (error instanceof Error && /^NOSCRIPT\b/.test(error.message)) return client.eval(script, keys, args);
      throw error;
    });
  }

  /**
   * Entry + tag versions + (when not fresh) a fill lease + the log's tail after `since`, in one
   * round trip. If the call times out after Redis ran it, the lease stays until it expires
   * (leaseMs): waiters then fall back. A silent first call is made once more with the same lease
   * token, which the script accepts as this caller's own lease.
   */
  read(key: string, tags: readonly string[], now: number, leaseMs: number, since: number): Promise<SharedRead> {
    const leaseToken = uniqueToken();
    const keys = [this.#entryKey(key), this.#leaseKey(key), ...this.#logKeys(), ...tags.map(this.#tagKey)];
    const args = [String(now), leaseToken, String(leaseMs), uniqueToken(), String(this.tagTtlMs), String(since)];
    return this.#call(
      'read',
      async () => {
        const [stored, tagStamp, leased, tail] = (await this.#script(this.redis, READ_SCRIPT, keys, args)) as [
          string,
          string,
          number,
          unknown,
        ];
        return {
          stored: String(stored ?? ''),
          tagStamp: String(tagStamp),
          leaseToken: Number(leased) === 1 ? leaseToken : undefined,
          tail: logTailOf(tail, since),
        };
      },
      { repeatable: true },
    );
  }

  /** The fill lease for `key`, when the read found an entry it then judged out of date (a content tag was invalidated). */
  acquireLease(key: string, leaseMs: number): Promise<string | undefined> {
    return this.#call('lease', async () => {
      const token = uniqueToken();
      const taken = await this.redis.set(this.#leaseKey(key), token, { nx: true, px: leaseMs });
      return taken === 'OK' ? token : undefined;
    });
  }

  /** The log's tail after `since`, for an isolate that has served from memory for a while. */
  logTail(since: number): Promise<LogTail> {
    const tail = async () =>
      logTailOf(await this.#script(this.redis, LOG_TAIL_SCRIPT, this.#logKeys(), [String(since)]), since);
    return this.#call('log', tail, { repeatable: true });
  }

  /**
   * The stored string, whether anyone holds the fill lease, and the failure its holder shared
   * (`shareFailure`), while waiting for another isolate's fill.
   */
  peek(key: string): Promise<{ stored: string | null; leased: boolean; failure: string | null }> {
    return this.#call(
      'peek',
      async () => {
        const [stored, lease] = await this.redis
          .pipeline()
          .get<string>(this.#entryKey(key))
          .get<string>(this.#leaseKey(key))
          .exec();
        const failure = lease?.startsWith(FAILED_LEASE_PREFIX) ? lease.slice(FAILED_LEASE_PREFIX.length) : null;
        return { stored: stored ?? null, leased: lease !== null, failure };
      },
      { repeatable: true },
    );
  }

  /**
   * Stores an entry unless one of its content tags was invalidated after `seq`, and releases
   * this caller's fill lease, in one round trip. Resolves to whether it was stored.
   */
  write(
    key: string,
    stored: string,
    retainMs: number,
    leaseToken: string | undefined,
    seq: number,
    contentTags: readonly string[],
  ): Promise<boolean> {
    return this.#call(
      'write',
      async () => {
        const keys = [this.#entryKey(key), this.#leaseKey(key), ...this.#logKeys()];
        const args = [stored, String(Math.max(1, retainMs)), leaseToken ?? '', String(seq), ...contentTags];
        return Number(await this.#script(this.patient, FILL_SCRIPT, keys, args)) === 1;
      },
      { patient: true },
    );
  }

  /** Hands this caller's failed computation (an encoded entry) to the isolates waiting on its lease, for `forMs` at most. */
  shareFailure(key: string, leaseToken: string, failure: string, forMs: number): Promise<void> {
    return this.#call(
      'release',
      async () => {
        await this.#script(
          this.patient,
          SHARE_FAILURE_SCRIPT,
          [this.#leaseKey(key)],
          [leaseToken, FAILED_LEASE_PREFIX + failure, String(forMs)],
        );
      },
      { patient: true },
    );
  }

  /** Releases this caller's fill lease without storing (nothing storable was computed). */
  releaseLease(key: string, leaseToken: string): Promise<void> {
    return this.#call(
      'release',
      async () => {
        await this.#script(this.patient, RELEASE_SCRIPT, [this.#leaseKey(key)], [leaseToken]);
      },
      { patient: true },
    );
  }

  /**
   * Gives each tag a new version and logs the invalidation, in one round trip: every entry
   * stamped with an older version, or holding a content tag invalidated after its value was
   * read, stops matching. Always attempted, even while the circuit is open: skipping it would
   * leave pre-write data valid. Resolves to the log record's sequence number.
   */
  invalidate(tags: readonly string[]): Promise<number> {
    const keys = [...this.#logKeys(), ...tags.map(this.#tagKey)];
    const args = [uniqueToken(), String(this.tagTtlMs), String(Date.now()), String(LOG_CAP), ...tags];
    return this.#call(
      'invalidate',
      async () => Number(await this.#script(this.patient, INVALIDATE_SCRIPT, keys, args)),
      { gated: false, patient: true },
    );
  }

  /**
   * Makes every entry stamped with `tags` unusable (their version keys go: a version is never
   * made again) and starts the log over, so isolates stop trusting their memory too. For data
   * changed past the API (a seed), where one log record naming every tag would be enormous;
   * not for requests. Returns how many tag versions were dropped.
   */
  async forgetTags(tags: readonly string[]): Promise<number> {
    let dropped = 0;
    for (let start = 0; start < tags.length; start += 500) {
      dropped += await this.patient.del(...tags.slice(start, start + 500).map(this.#tagKey));
    }
    await this.#script(this.patient, FORGET_LOG_SCRIPT, this.#logKeys(), [String(Date.now())]);
    return dropped;
  }
}

/**
 * The Upstash tier of `cache` (its namespace, budgets and breaker): `redis` makes a client whose
 * calls time out after the given ms. Requests get theirs through `withCacheSession`; tools that
 * change data past the API (a seed) use it to forget tags.
 */
export function sharedTierFor(cache: EdgeCache, redis: (timeoutMs: number) => UpstashClient): SharedTier {
  const { namespace, timeoutMs, patientTimeoutMs, tagTtlMs } = cache.settings;
  const budgets = { fastMs: timeoutMs, patientMs: patientTimeoutMs };
  return new SharedTier(redis(timeoutMs), redis(patientTimeoutMs), namespace, cache.breaker, tagTtlMs, budgets);
}

/** What a cache session asks of the Upstash tier (`SharedTier`; tests put a scripted store in its place). */
export type SharedStore = Pick<
  SharedTier,
  'read' | 'acquireLease' | 'logTail' | 'peek' | 'write' | 'shareFailure' | 'releaseLease' | 'invalidate'
>;
