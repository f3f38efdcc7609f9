// The byte size of a stream node's listpack as Redis 7 encodes it (listpack.c, t_stream.c's
// streamAppendItem): Redis opens a new node once a node's size plus the new entry's fields and
// values reaches 4096 bytes, which approximate trimming and XINFO's node counts depend on.

import type { StreamNode } from './stream';
import type { StreamId } from './stream-id';

const HEADER_AND_END = 6 + 1;

/** Bytes of the length that lets a listpack be read backwards. */
function backLength(encoded: number): number {
  if (encoded <= 127) return 1;
  if (encoded < 16383) return 2;
  if (encoded < 2097151) return 3;
  return encoded < 268435455 ? 4 : 5;
}

function integerBytes(value: bigint): number {
  let encoded = 9;
  if (value >= 0n && value <= 127n) encoded = 1;
  else if (value >= -4096n && value <= 4095n) encoded = 2;
  else if (value >= -32768n && value <= 32767n) encoded = 3;
  else if (value >= -8388608n && value <= 8388607n) encoded = 4;
  else if (value >= -2147483648n && value <= 2147483647n) encoded = 5;
  return encoded + backLength(encoded);
}

/** A string that reads as a 64-bit integer is stored as one (lpStringToInt64). */
function elementBytes(text: string): number {
  if (text.length < 21 && /^(0|-?[1-9]\d*)$/.test(text)) {
    const value = BigInt(text);
    if (BigInt.asIntN(64, value) === value) return integerBytes(value);
  }
  const size = Buffer.byteLength(text);
  const encoded = size < 64 ? 1 + size : size < 4096 ? 2 + size : 5 + size;
  return encoded + backLength(encoded);
}

/** A new node: header, master entry (live and deleted counts, field names, terminator). */
export function newNodeBytes(masterFields: string[]): number {
  const counts = integerBytes(1n) + integerBytes(0n) + integerBytes(BigInt(masterFields.length)) + integerBytes(0n);
  return HEADER_AND_END + counts + masterFields.reduce((sum, field) => sum + elementBytes(field), 0);
}

/** An entry: flags, id deltas from the master id, [field count, names,] values, element count. */
export function entryBytes(node: StreamNode, id: StreamId, fields: string[]): number {
  const names = fields.filter((_, i) => i % 2 === 0);
  const values = fields.filter((_, i) => i % 2 === 1);
  const { masterFields } = node;
  const sameFields = names.length === masterFields.length && names.every((name, i) => name === masterFields[i]);
  let bytes =
    integerBytes(sameFields ? 2n : 0n) +
    integerBytes(BigInt.asIntN(64, id.ms - node.masterId.ms)) +
    integerBytes(BigInt.asIntN(64, id.seq - node.masterId.seq));
  bytes += values.reduce((sum, value) => sum + elementBytes(value), 0);
  let pieces = values.length + 3;
  if (!sameFields) {
    bytes += integerBytes(BigInt(names.length)) + names.reduce((sum, name) => sum + elementBytes(name), 0);
    pieces += names.length + 1;
  }
  return bytes + integerBytes(BigInt(pieces));
}
