// HyperLogLog (PFADD, PFCOUNT, PFMERGE) for the in-memory backend, with Redis 7's replies and errors
// (checked against real Redis by upstash-backends-agree.test.ts). The algorithm and the encoding are
// Redis's own (hyperloglog.ts), so counts and stored bytes are Redis's. Stored HLLs are strings whose
// bytes are mostly not UTF-8: bit and HLL commands read them exactly, but GET, STRLEN, GETRANGE and
// the other string commands see them as text (stored-bytes.ts), and a RENAMEd or COPYd HLL is no
// longer a valid one.

import {
  CorruptHllError,
  cacheCardinality,
  cachedCardinality,
  createHll,
  HLL_REGISTERS,
  type Hll,
  hllAdd,
  invalidateCache,
  isDense,
  isHll,
  mergeRegisters,
  registerHistogram,
  setRegister,
  toDense,
} from './hyperloglog';
import { estimate, rawHistogram } from './hyperloglog-estimate';
import { commandTable } from './memory-store';
import { ReplyError } from './redis-backend';
import { readBytes, writeBytes } from './stored-bytes';
import type { SyncMock } from './sync-mock';

const { commands, define } = commandTable();
export const hyperLogLogCommands = commands;

const NOT_AN_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const CORRUPT = 'INVALIDOBJ Corrupted HLL object detected';

/** The HLL at `key`: WRONGTYPE for another type or a string that is not an HLL, null when there is none. */
function readHll(redis: SyncMock, key: string): Uint8Array | null {
  const bytes = readBytes(redis, key);
  if (bytes !== null && !isHll(bytes)) throw new ReplyError(NOT_AN_HLL);
  return bytes;
}

/** Runs an HLL update; a corrupt value answers INVALIDOBJ, keeping what was changed before, as Redis does. */
function updating<T>(redis: SyncMock, key: string, hll: Hll, update: () => T): T {
  try {
    return update();
  } catch (error) {
    if (!(error instanceof CorruptHllError)) throw error;
    writeBytes(redis, key, hll.bytes);
    throw new ReplyError(CORRUPT);
  }
}

/** PFADD key [element ...]: 1 if the key was made or a register changed. */
define('PFADD', -2, ({ redis }, [key = '', ...elements]) => {
  const existing = readHll(redis, key);
  const hll: Hll = { bytes: existing ?? createHll() };
  let updated = existing === null ? 1 : 0;
  updating(redis, key, hll, () => {
    for (const element of elements) updated |= hllAdd(hll, Buffer.from(element));
  });
  if (!updated) return 0;
  invalidateCache(hll.bytes);
  writeBytes(redis, key, hll.bytes);
  return 1;
});

/** The registers of all the keys' HLLs merged (missing keys count as empty), and whether any is dense. */
function mergedRegisters(redis: SyncMock, keys: string[]): { registers: Uint8Array; anyDense: boolean } {
  const registers = new Uint8Array(HLL_REGISTERS);
  let anyDense = false;
  for (const key of keys) {
    const bytes = readHll(redis, key);
    if (bytes === null) continue;
    anyDense ||= isDense(bytes);
    try {
      mergeRegisters(registers, bytes);
    } catch (error) {
      throw error instanceof CorruptHllError ? new ReplyError(CORRUPT) : error;
    }
  }
  return { registers, anyDense };
}

/** PFCOUNT key [key ...]: one key's cardinality, cached in the value, or the union's. */
define('PFCOUNT', -2, ({ redis }, keys) => {
  if (keys.length > 1) return estimate(rawHistogram(mergedRegisters(redis, keys).registers));
  const key = keys[0]!;
  const bytes = readHll(redis, key);
  if (bytes === null) return 0;
  const cached = cachedCardinality(bytes);
  if (cached !== null) return cached;
  const histogram = registerHistogram(bytes);
  if (histogram === null) throw new ReplyError(CORRUPT);
  const cardinality = estimate(histogram);
  cacheCardinality(bytes, cardinality); // Redis writes the cache into the value, a read-only command or not
  writeBytes(redis, key, bytes);
  return cardinality;
});

/** PFMERGE destkey [sourcekey ...]: the destination (itself one of the inputs) gets the union. */
define('PFMERGE', -2, ({ redis }, keys) => {
  const destination = keys[0]!;
  const { registers, anyDense } = mergedRegisters(redis, keys);
  const hll: Hll = { bytes: readHll(redis, destination) ?? createHll() };
  updating(redis, destination, hll, () => {
    if (anyDense) hll.bytes = toDense(hll.bytes);
    for (const [index, value] of registers.entries()) if (value > 0) setRegister(hll, index, value);
  });
  invalidateCache(hll.bytes);
  writeBytes(redis, destination, hll.bytes);
  return 'OK';
});
