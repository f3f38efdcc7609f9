// Redis's HyperLogLog (hyperloglog.c, Redis 7.0), byte for byte: the same "HYLL" header, the same
// sparse and dense encodings and the same register updates, so the stored string holds Redis's bytes (and,
// with hyperloglog-estimate.ts, PFCOUNT gives Redis's numbers).
//
// Layout: "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, the cached cardinality (8 bytes,
// little-endian; the top bit of the last byte set means "stale"), then the registers: 16384 of
// 6 bits each (dense), or run-length opcodes (sparse): ZERO 00xxxxxx (1-64 zero registers),
// XZERO 01xxxxxx yyyyyyyy (1-16384 zero registers), VAL 1vvvvvxx (1-4 registers of value 1-32).
import { murmurHash64A } from './murmur-hash';

const P = 14;
export const HLL_REGISTERS = 1 << P;
export const HLL_Q = 64 - P;
const REGISTER_MAX = 63;
const HEADER_SIZE = 16;
const DENSE_SIZE = HEADER_SIZE + (HLL_REGISTERS * 6) / 8;
const DENSE = 0;
const SPARSE = 1;
const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** Redis's default hll-sparse-max-bytes: a sparse value that would grow past it turns dense. */
const SPARSE_MAX_BYTES = 3000;
const HASH_SEED = 0xadc83b19;

/** An HLL string value, replaced as a whole when it grows or turns dense. */
export interface Hll {
  bytes: Uint8Array;
}

export class CorruptHllError extends Error {}

// Sparse opcodes.
const isZero = (op: number) => (op & 0xc0) === 0;
const isXZero = (op: number) => (op & 0xc0) === 0x40;
const isVal = (op: number) => (op & 0x80) !== 0;
const zeroLength = (op: number) => (op & 0x3f) + 1;
const xzeroLength = (bytes: Uint8Array, at: number) => (((bytes[at]! & 0x3f) << 8) | (bytes[at + 1] ?? 0)) + 1;
const valValue = (op: number) => ((op >> 2) & 0x1f) + 1;
const valLength = (op: number) => (op & 0x3) + 1;
const valOp = (value: number, length: number) => ((value - 1) << 2) | (length - 1) | 0x80;
const zeroOps = (length: number) =>
  length > SPARSE_ZERO_MAX_LEN ? [((length - 1) >> 8) | 0x40, (length - 1) & 0xff] : [length - 1];

// Dense registers, 6 bits each, least significant bits first. The byte after the last register
// is the C string's terminator in Redis: reads of it give 0, writes of it write 0.
function denseGet(bytes: Uint8Array, index: number): number {
  const bit = index * 6;
  const at = HEADER_SIZE + (bit >> 3);
  const shift = bit & 7;
  return ((bytes[at]! >> shift) | ((bytes[at + 1] ?? 0) << (8 - shift))) & REGISTER_MAX;
}

function denseSet(bytes: Uint8Array, index: number, value: number): void {
  const bit = index * 6;
  const at = HEADER_SIZE + (bit >> 3);
  const shift = bit & 7;
  bytes[at] = (bytes[at]! & ~(REGISTER_MAX << shift)) | (value << shift);
  if (at + 1 < bytes.length) bytes[at + 1] = (bytes[at + 1]! & ~(REGISTER_MAX >> (8 - shift))) | (value >> (8 - shift));
}

/** An empty HLL, sparse, as PFADD and PFMERGE create it. */
export function createHll(): Uint8Array {
  const bytes = new Uint8Array(HEADER_SIZE + 2);
  bytes.set([0x48, 0x59, 0x4c, 0x4c, SPARSE]); // "HYLL"
  bytes.set([((SPARSE_XZERO_MAX_LEN - 1) >> 8) | 0x40, (SPARSE_XZERO_MAX_LEN - 1) & 0xff], HEADER_SIZE);
  return bytes;
}

/** What Redis checks before treating a string as an HLL (isHLLObjectOrReply). */
export function isHll(bytes: Uint8Array): boolean {
  if (bytes.length < HEADER_SIZE) return false;
  if (bytes[0] !== 0x48 || bytes[1] !== 0x59 || bytes[2] !== 0x4c || bytes[3] !== 0x4c) return false;
  const encoding = bytes[4]!;
  return encoding === SPARSE || (encoding === DENSE && bytes.length === DENSE_SIZE);
}

/** The register an element updates, and the value it proposes (hllPatLen): 1 + the zero bits after the index bits. */
export function registerOf(element: Uint8Array): { index: number; count: number } {
  const hash = murmurHash64A(element, HASH_SEED);
  const index = Number(hash & BigInt(HLL_REGISTERS - 1));
  // HLL_Q bits remain, and a 1 put at bit HLL_Q ends the run: count <= HLL_Q + 1, and all is exact in a JS number.
  let rest = Number((hash >> BigInt(P)) | (1n << BigInt(HLL_Q)));
  let count = 1;
  while (rest % 2 === 0) {
    count++;
    rest /= 2;
  }
  return { index, count };
}

/** Adds an element: 1 if a register changed, 0 if not; CorruptHllError for a broken sparse value. */
export function hllAdd(hll: Hll, element: Uint8Array): 0 | 1 {
  const { index, count } = registerOf(element);
  return setRegister(hll, index, count);
}

/** Raises a register to `count` if it is lower (hllDenseSet, hllSparseSet). */
export function setRegister(hll: Hll, index: number, count: number): 0 | 1 {
  if (hll.bytes[4] === DENSE) {
    if (count <= denseGet(hll.bytes, index)) return 0;
    denseSet(hll.bytes, index, count);
    return 1;
  }
  return sparseSet(hll, index, count);
}

function sparseSet(hll: Hll, index: number, count: number): 0 | 1 {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(hll, index, count);
  let bytes = hll.bytes;
  // Step 1: the opcode covering the register.
  let at = HEADER_SIZE;
  let first = 0;
  let previous = -1;
  let span = 0;
  while (at < bytes.length) {
    const op = bytes[at]!;
    span = isZero(op) ? zeroLength(op) : isVal(op) ? valLength(op) : xzeroLength(bytes, at);
    if (index <= first + span - 1) break;
    previous = at;
    at += isXZero(op) ? 2 : 1;
    first += span;
  }
  if (span === 0 || at >= bytes.length) throw new CorruptHllError();
  const op = bytes[at]!;
  // Step 2: the cheap cases, one register in place; otherwise the opcode splits in up to three.
  if (isVal(op)) {
    if (valValue(op) >= count) return 0;
    if (valLength(op) === 1) {
      bytes[at] = valOp(count, 1);
      return mergeAdjacent(hll, previous);
    }
  }
  if (isZero(op) && zeroLength(op) === 1) {
    bytes[at] = valOp(count, 1);
    return mergeAdjacent(hll, previous);
  }
  const last = first + span - 1;
  const sequence: number[] = [];
  if (isVal(op)) {
    if (index !== first) sequence.push(valOp(valValue(op), index - first));
    sequence.push(valOp(count, 1));
    if (index !== last) sequence.push(valOp(valValue(op), last - index));
  } else {
    if (index !== first) sequence.push(...zeroOps(index - first));
    sequence.push(valOp(count, 1));
    if (index !== last) sequence.push(...zeroOps(last - index));
  }
  // Step 3: the new opcodes replace the old one, unless the value would grow too big for sparse.
  const oldLength = isXZero(op) ? 2 : 1;
  const growth = sequence.length - oldLength;
  if (growth > 0 && bytes.length + growth > SPARSE_MAX_BYTES) return promote(hll, index, count);
  bytes = concat(bytes.subarray(0, at), Uint8Array.from(sequence), bytes.subarray(at + oldLength));
  hll.bytes = bytes;
  return mergeAdjacent(hll, previous);
}

/** Step 4 of hllSparseSet: merges equal VAL opcodes among the five from the one before the change. */
function mergeAdjacent(hll: Hll, previous: number): 1 {
  let bytes = hll.bytes;
  let at = previous >= 0 ? previous : HEADER_SIZE;
  let scans = 5;
  while (at < bytes.length && scans-- > 0) {
    const op = bytes[at]!;
    if (isXZero(op)) {
      at += 2;
      continue;
    }
    if (isZero(op)) {
      at++;
      continue;
    }
    const next = bytes[at + 1];
    if (next !== undefined && isVal(next) && valValue(op) === valValue(next)) {
      const length = valLength(op) + valLength(next);
      if (length <= SPARSE_VAL_MAX_LEN) {
        bytes[at + 1] = valOp(valValue(op), length);
        bytes = concat(bytes.subarray(0, at), bytes.subarray(at + 1));
        continue; // the merged opcode may merge again with the one after it
      }
    }
    at++;
  }
  invalidateCache(bytes);
  hll.bytes = bytes;
  return 1;
}

function promote(hll: Hll, index: number, count: number): 1 {
  hll.bytes = toDense(hll.bytes);
  denseSet(hll.bytes, index, count);
  return 1;
}

/** The dense form of an HLL, same header (hllSparseToDense). */
export function toDense(bytes: Uint8Array): Uint8Array {
  if (bytes[4] === DENSE) return bytes;
  const dense = new Uint8Array(DENSE_SIZE);
  dense.set(bytes.subarray(0, HEADER_SIZE));
  dense[4] = DENSE;
  const registers = new Uint8Array(HLL_REGISTERS);
  if (!mergeSparse(registers, bytes)) throw new CorruptHllError();
  for (const [index, value] of registers.entries()) if (value > 0) denseSet(dense, index, value);
  return dense;
}

/** Raises `max` to the HLL's registers (hllMerge); CorruptHllError for a broken sparse value. */
export function mergeRegisters(max: Uint8Array, bytes: Uint8Array): void {
  if (bytes[4] === DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) max[i] = Math.max(max[i]!, denseGet(bytes, i));
  } else if (!mergeSparse(max, bytes)) {
    throw new CorruptHllError();
  }
}

/** False when the opcodes do not cover exactly the 16384 registers. */
function mergeSparse(max: Uint8Array, bytes: Uint8Array): boolean {
  let index = 0;
  for (let at = HEADER_SIZE; at < bytes.length; ) {
    const op = bytes[at]!;
    if (isZero(op)) {
      index += zeroLength(op);
      at++;
    } else if (isXZero(op)) {
      index += xzeroLength(bytes, at);
      at += 2;
    } else {
      const [length, value] = [valLength(op), valValue(op)];
      if (index + length > HLL_REGISTERS) break;
      for (let end = index + length; index < end; index++) max[index] = Math.max(max[index]!, value);
      at++;
    }
  }
  return index === HLL_REGISTERS;
}

/** How many registers hold each value, for the estimator; null for a sparse value that does not add up. */
export function registerHistogram(bytes: Uint8Array): number[] | null {
  const histogram = new Array<number>(64).fill(0);
  if (bytes[4] === DENSE) {
    for (let i = 0; i < HLL_REGISTERS; i++) histogram[denseGet(bytes, i)]!++;
    return histogram;
  }
  let index = 0;
  for (let at = HEADER_SIZE; at < bytes.length; ) {
    const op = bytes[at]!;
    const [length, value, size] = isZero(op)
      ? [zeroLength(op), 0, 1]
      : isXZero(op)
        ? [xzeroLength(bytes, at), 0, 2]
        : [valLength(op), valValue(op), 1];
    histogram[value]! += length;
    index += length;
    at += size;
  }
  return index === HLL_REGISTERS ? histogram : null;
}

/** The cached cardinality, or null when it is stale. */
export function cachedCardinality(bytes: Uint8Array): number | null {
  if (bytes[15]! & 0x80) return null;
  return Number(new DataView(bytes.buffer, bytes.byteOffset + 8, 8).getBigUint64(0, true));
}

export function cacheCardinality(bytes: Uint8Array, cardinality: number): void {
  new DataView(bytes.buffer, bytes.byteOffset + 8, 8).setBigUint64(0, BigInt(cardinality), true);
}

export function invalidateCache(bytes: Uint8Array): void {
  bytes[15]! |= 0x80;
}

export const isDense = (bytes: Uint8Array) => bytes[4] === DENSE;

function concat(...parts: Uint8Array[]): Uint8Array {
  const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
