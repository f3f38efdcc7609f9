// OBJECT for the in-memory backend, with Redis 7.0's replies and errors (checked against real Redis
// by upstash-backends-agree.test.ts). ENCODING is derived from the value as it is now, with Redis
// 7.0's default thresholds, since this backend keeps no encodings. Redis never converts a value
// back to a compact encoding, so these differ from it:
// - a string changed in place (APPEND or SETRANGE on an existing key) is `raw` in Redis, and one
//   written by INCRBYFLOAT is `embstr`/`raw`, never `int`; here a short integer text is `int`;
// - a hash, set or sorted set that once outgrew its compact encoding (listpack, intset) keeps the
//   big one (hashtable, skiplist) in Redis after shrinking; here it is compact again.
// REFCOUNT follows the shared integers (0 to 9999, set by SET or INCR); a COPY of one has its own
// object (refcount 1) in Redis. IDLETIME answers 0: this backend does not track access times.

import { type MemoryCommand, wrongArity } from './memory-store';
import { ReplyError } from './redis-backend';
import { sortedSetAt, typeOf } from './stored-structures';
import type { SyncMock } from './sync-mock';

const commands = new Map<string, MemoryCommand>();
export const objectCommands: ReadonlyMap<string, MemoryCommand> = commands;

/** Redis 7.0's defaults (hash-max-listpack-*, set-max-intset-entries, zset-max-listpack-*, embstr limit). */
const HASH_MAX_LISTPACK_ENTRIES = 512;
const HASH_MAX_LISTPACK_VALUE = 64;
const SET_MAX_INTSET_ENTRIES = 512;
const ZSET_MAX_LISTPACK_ENTRIES = 128;
const ZSET_MAX_LISTPACK_VALUE = 64;
const EMBSTR_SIZE_LIMIT = 44;
/** Redis keeps one object for each integer below this, shared by every key that holds it. */
const SHARED_INTEGERS = 10_000n;
/** The refcount of a shared object (INT_MAX). */
const SHARED_REFCOUNT = 2147483647;

/** The integer Redis's string2ll reads from `text` (strict syntax, 64-bit), if any. */
function asInt64(text: string): bigint | undefined {
  if (!/^(0|-?[1-9]\d{0,18})$/.test(text)) return undefined;
  const value = BigInt(text);
  return value >= -(2n ** 63n) && value < 2n ** 63n ? value : undefined;
}

const fitsListpack = (text: string, limit: number) => Buffer.byteLength(text) <= limit;

function stringEncoding(value: string): string {
  if (value.length <= 20 && asInt64(value) !== undefined) return 'int';
  return Buffer.byteLength(value) <= EMBSTR_SIZE_LIMIT ? 'embstr' : 'raw';
}

/** Each type's encoding, as OBJECT ENCODING names it; lists are always quicklists in 7.0. */
const encodings: Record<string, (redis: SyncMock, key: string) => string> = {
  string: (redis, key) => stringEncoding(redis.get(key)!),
  hash: (redis, key) => {
    const entries = Object.entries(redis.hgetallBuffer(key));
    const compact =
      entries.length <= HASH_MAX_LISTPACK_ENTRIES &&
      entries.every(
        ([field, value]) => fitsListpack(field, HASH_MAX_LISTPACK_VALUE) && value.length <= HASH_MAX_LISTPACK_VALUE,
      );
    return compact ? 'listpack' : 'hashtable';
  },
  set: (redis, key) => {
    const members = redis.smembersBuffer(key);
    const compact =
      members.length <= SET_MAX_INTSET_ENTRIES && members.every((member) => asInt64(member.toString()) !== undefined);
    return compact ? 'intset' : 'hashtable';
  },
  zset: (redis, key) => {
    const zset = sortedSetAt(redis, key)!;
    const compact =
      zset.size <= ZSET_MAX_LISTPACK_ENTRIES &&
      zset.byRank(0, zset.size - 1).every(({ member }) => fitsListpack(member, ZSET_MAX_LISTPACK_VALUE));
    return compact ? 'listpack' : 'skiplist';
  },
  list: () => 'quicklist',
  stream: () => 'stream',
};

function refcount(redis: SyncMock, key: string): number {
  if (typeOf(redis, key) !== 'string') return 1;
  const value = redis.get(key)!;
  const integer = value.length <= 20 ? asInt64(value) : undefined;
  return integer !== undefined && integer >= 0n && integer < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

const LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that ' +
  'when switching between policies at runtime LRU and LFU data will take some time to adjust.';

/** Each subcommand on an existing key (a missing one answers nil first). */
const onKey: Record<string, (redis: SyncMock, key: string, type: string) => string | number> = {
  ENCODING: (redis, key, type) => {
    const encoding = encodings[type];
    if (!encoding) throw new ReplyError(`ERR OBJECT ENCODING of a ${type} is not supported by the in-memory backend`);
    return encoding(redis, key);
  },
  REFCOUNT: (redis, key) => refcount(redis, key),
  IDLETIME: () => 0,
  // The backend evicts nothing (maxmemory-policy noeviction), so frequencies are not tracked.
  FREQ: () => {
    throw new ReplyError(LFU_NOT_SELECTED);
  },
};

/** OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ key, OBJECT HELP */
commands.set('OBJECT', {
  arity: -2,
  run: ({ redis }, [subcommandText = '', ...rest]) => {
    const subcommand = subcommandText.toUpperCase();
    const run = onKey[subcommand];
    if (!run && subcommand !== 'HELP') {
      throw new ReplyError(`ERR unknown subcommand '${subcommandText.slice(0, 128)}'. Try OBJECT HELP.`);
    }
    // Redis checks a subcommand's arity as a command's: object|encoding takes 3 arguments, object|help 2.
    if (rest.length !== (run ? 1 : 0)) throw wrongArity(`object|${subcommand.toLowerCase()}`);
    if (!run) return HELP;
    const key = rest[0]!;
    const type = typeOf(redis, key);
    if (type === 'none') return null;
    const reply = run(redis, key, type);
    return typeof reply === 'string' ? Buffer.from(reply) : reply;
  },
});
