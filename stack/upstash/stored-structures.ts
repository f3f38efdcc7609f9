// Types of the in-memory backend's values. The mock keeps strings, hashes and sets itself;
// sorted sets (sorted-set.ts) and lists (memory-list-commands.ts) are kept by this backend as
// plain objects in the mock's data, under a symbol, which the mock alone would call hashes.
import { ReplyError } from './redis-backend';
import { SORTED_SET, type SortedSet } from './sorted-set';
import type { SyncMock } from './sync-mock';

export const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
export const LIST = Symbol('list');

type Structure = { [SORTED_SET]?: SortedSet; [LIST]?: string[] };

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

/** The key's type, as TYPE answers it. */
export function typeOf(redis: SyncMock, key: string): string {
  const type = redis.type(key);
  if (type !== 'hash') return type;
  const structure = structureAt(redis, key);
  if (structure?.[SORTED_SET]) return 'zset';
  if (structure?.[LIST]) return 'list';
  return type;
}

export function expectType(redis: SyncMock, key: string, type: 'string' | 'hash' | 'set' | 'zset' | 'list'): void {
  const actual = typeOf(redis, key);
  if (actual !== 'none' && actual !== type) throw new ReplyError(WRONGTYPE);
}
