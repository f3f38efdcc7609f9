// ioredis-mock's command emulators, called directly so each reply is there when the call returns.
// The mock's own methods answer with promises, which a script's redis.call() cannot wait for:
// fengari runs Lua synchronously. Its exported Pipeline class binds every emulator to the mock's
// data and runs the mock's argument processing; a pipeline that runs each command as it is
// queued, instead of at exec(), is a synchronous client of the same data.
import RedisMock from 'ioredis-mock';

type MockRedis = InstanceType<typeof RedisMock>;
type Emulator = (...args: unknown[]) => unknown;

declare module 'ioredis-mock' {
  // The export @types/ioredis-mock leaves out (lib/index.js: `RedisMock.Pipeline = Pipeline`).
  interface Constructor {
    Pipeline: new (
      redis: MockRedis,
    ) => {
      /** Builds the method for one command; called for every command by the constructor. */
      _createCommand(name: string, emulator: Emulator): (...args: unknown[]) => unknown;
      /** Queues a command with its processed arguments; `emulator` is already bound to the data. */
      _addTransaction(emulator: Emulator, name: string, args: unknown[]): void;
    };
  }
}

/**
 * The emulators the in-memory commands use, with the mock's reply shapes (no Redis checks).
 * An emulator's error (`ERR syntax error`, …) is thrown.
 */
export interface SyncMock {
  del(...keys: string[]): number;
  unlink(...keys: string[]): number;
  exists(...keys: string[]): number;
  type(key: string): string;
  pttl(key: string): number;
  /** -2: no key, -1: no TTL. */
  pexpiretime(key: string): number;
  pexpireat(key: string, at: number): number;
  /** 1 if a TTL was removed. */
  persist(key: string): number;
  get(key: string): string | null;
  getBuffer(key: string): Buffer | null;
  /** A key of another type gives its raw structure, not null. */
  mgetBuffer(...keys: string[]): unknown[];
  mset(...pairs: string[]): string;
  /** Without options only: the mock ignores lower-case ones. */
  set(key: string, value: string): string;
  incrby(key: string, delta: number): number;
  hset(key: string, ...pairs: string[]): number;
  hget(key: string, field: string): string | null;
  hgetBuffer(key: string, field: string): Buffer | null;
  hgetallBuffer(key: string): Record<string, Buffer>;
  hdel(key: string, ...fields: string[]): number;
  hincrby(key: string, field: string, delta: number): number;
  sadd(key: string, ...members: string[]): number;
  srem(key: string, ...members: string[]): number;
  smembersBuffer(key: string): Buffer[];
  sismember(key: string, member: string): number;
  zadd(key: string, score: string, member: string): number;
  zscore(key: string, member: string): string | null;
  /** Parses BYSCORE, REV, LIMIT, WITHSCORES… itself, in any case. */
  zrangeBuffer(key: string, ...args: string[]): Buffer[];
  zrem(key: string, ...members: string[]): number;
  zcard(key: string): number;
  dbsize(): number;
  /** Every live key matching the mock's glob (`*` for all). */
  keys(pattern: string): string[];
  flushdb(): string;
  /** Stores `value` as it is (ioredis's argument processing would turn an object into text). */
  setRaw(key: string, value: object): void;
}

// The methods the Pipeline constructor defines at run time, declared for the class.
// biome-ignore lint/correctness/noUnusedVariables: merged into the class below, which is what uses it
interface ImmediatePipeline extends SyncMock {}

/** Each pipeline's emulators as the mock made them; filled during the base constructor, before private fields exist. */
const emulatorsOf = new WeakMap<object, Map<string, Emulator>>();

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the constructor defines these methods at run time; the interface only declares them
class ImmediatePipeline extends RedisMock.Pipeline {
  #reply: unknown;

  setRaw(key: string, value: object): void {
    emulatorsOf
      .get(this)!
      .get('set')!
      .call((this as unknown as { redis: MockRedis }).redis, key, value);
  }

  override _createCommand(name: string, emulator: Emulator) {
    let emulators = emulatorsOf.get(this);
    if (!emulators) emulatorsOf.set(this, (emulators = new Map()));
    emulators.set(name, emulator);
    const queue = super._createCommand(name, emulator);
    return (...args: unknown[]) => {
      queue(...args);
      const reply = this.#reply;
      this.#reply = undefined;
      return reply;
    };
  }

  override _addTransaction(emulator: Emulator, _name: string, args: unknown[]): void {
    // The mock's own path (safelyExecuteCommand) also refuses commands in subscriber mode and
    // applies ioredis's reply transformers. Neither matters here: nothing subscribes, and the one
    // transformer (HGETALL's, array to object) leaves the object its emulator returns as it is.
    this.#reply = emulator(...args);
  }
}

/** A synchronous client of `redis`'s data. */
export function createSyncMock(redis: MockRedis): SyncMock {
  return new ImmediatePipeline(redis);
}
