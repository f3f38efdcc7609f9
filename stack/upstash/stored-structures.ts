// Types of the in-memory backend's values. The mock keeps strings, hashes and sets itself;
// sorted sets (sorted-set.ts), lists (memory-list-commands.ts) and streams (stream.ts) are kept
// by this backend as plain objects in the mock's data, under a symbol, which the mock alone would call hashes.
import { ReplyError } from './redis-backend';
import { SORTED_SET, type SortedSet } from './sorted-set';
import type { Stream } from './stream';
import type { SyncMock } from './sync-mock';

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const LIST = Symbol('list');
export const STREAM = Symbol('stream');

type Structure = { [SORTED_SET]?: SortedSet; [LIST]?: string[]; [STREAM]?: Stream };

function structureAt(redis: SyncMock, key: string): Structure | undefined {
  const [raw] = redis.mgetBuffer(key);
  return raw !== null && typeof raw === 'object' && !Buffer.isBuffer(raw) ? (raw as Structure) : undefined;
}

/** The sorted set at `key`, if it is one. */
export function sortedSetAt(redis: SyncMock, key: string): SortedSet | undefined {
  return structureAt(redis, key)?.[SORTED_SET];
}

/** The list at `key`, if it is one: the array itself, changed in place. */
export function listAt(redis: SyncMock, key: string): string[] | undefined {
  return structureAt(redis, key)?.[LIST];
}

/** The stream at `key`, if it is one, changed in place. */
export function streamAt(redis: SyncMock, key: string): Stream | undefined {
  return structureAt(redis, key)?.[STREAM];
}

/** The key's type, as TYPE answers it. */
export function typeOf(redis: SyncMock, key: string): string {
  const type = redis.type(key);
  if (type !== 'hash') return type;
  const structure = structureAt(redis, key);
  if (structure?.[SORTED_SET]) return 'zset';
  if (structure?.[LIST]) return 'list';
  if (structure?.[STREAM]) return 'stream';
  return type;
}

export function expectType(
  redis: SyncMock,
  key: string,
  type: 'string' | 'hash' | 'set' | 'zset' | 'list' | 'stream',
): void {
  const actual = typeOf(redis, key);
  if (actual !== 'none' && actual !== type) throw new ReplyError(WRONGTYPE);
}
