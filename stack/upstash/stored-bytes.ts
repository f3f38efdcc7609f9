// String values as bytes, for the commands that treat strings as binary (bits, HyperLogLog).
//
// The mock keeps string values as text, and every other command (GET, STRLEN, APPEND, TYPE, …)
// reads that text; text holds only UTF-8, so a byte that is not valid UTF-8 (0x80 in a bitmap,
// most of an HLL) would read back as U+FFFD. The exact bytes of such a value are therefore also
// kept here, by key, and used for as long as the key still holds the text written with them:
// once something else rewrites the key (SET, APPEND, RENAME to it, …) the text is what counts.
// What other commands see of such a value is its text: GET answers its UTF-8 decoding, and
// STRLEN counts that decoding's bytes.
import { expectType } from './stored-structures';
import type { SyncMock } from './sync-mock';

interface ExactBytes {
  text: string;
  bytes: Uint8Array;
}

const exactBytesOf = new WeakMap<SyncMock, Map<string, ExactBytes>>();

function exactBytes(redis: SyncMock): Map<string, ExactBytes> {
  let byKey = exactBytesOf.get(redis);
  if (!byKey) exactBytesOf.set(redis, (byKey = new Map()));
  return byKey;
}

/** The string at `key` as a copy of its bytes: WRONGTYPE for another type, null when there is none. */
export function readBytes(redis: SyncMock, key: string): Uint8Array | null {
  expectType(redis, key, 'string');
  const text = redis.get(key);
  const byKey = exactBytes(redis);
  const exact = byKey.get(key);
  if (exact && exact.text === text) return exact.bytes.slice();
  if (exact) byKey.delete(key);
  return text === null ? null : new Uint8Array(Buffer.from(text));
}

/** Stores `bytes` at `key`, keeping its TTL (as bit and HLL updates do) unless told otherwise (as BITOP's SET). */
export function writeBytes(redis: SyncMock, key: string, bytes: Uint8Array, keepTtl = true): void {
  const expireAt = keepTtl ? redis.pexpiretime(key) : -1;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString();
  redis.set(key, text); // drops the TTL
  if (expireAt > 0) redis.pexpireat(key, expireAt);
  const byKey = exactBytes(redis);
  if (Buffer.from(text).equals(bytes)) byKey.delete(key);
  else byKey.set(key, { text, bytes: bytes.slice() });
}
