// Redis's HyperLogLog, ported: the expected bytes and counts below are what Redis 7.0 answers for the same input.
import { describe, expect, it } from 'vitest';
import {
  CorruptHllError,
  cachedCardinality,
  createHll,
  HLL_REGISTERS,
  type Hll,
  hllAdd,
  isDense,
  isHll,
  mergeRegisters,
  registerHistogram,
  registerOf,
} from '../../stack/upstash/hyperloglog';
import { estimate, rawHistogram } from '../../stack/upstash/hyperloglog-estimate';

const text = (value: string) => new TextEncoder().encode(value);
const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

function hllOf(elements: string[]): Hll {
  const hll = { bytes: createHll() };
  for (const element of elements) hllAdd(hll, text(element));
  return hll;
}
const count = (hll: Hll) => estimate(registerHistogram(hll.bytes)!);
const range = (prefix: string, size: number) => Array.from({ length: size }, (_, i) => `${prefix}${i}`);

describe('HyperLogLog as Redis keeps it', () => {
  it("hashes an element to Redis's register and run length (MurmurHash64A, seed 0xadc83b19)", () => {
    expect(registerOf(text('a'))).toEqual({ index: 12711, count: 2 });
  });

  it("writes Redis's sparse bytes: XZERO, VAL, XZERO around one register, cache marked stale", () => {
    // redis-cli: PFADD k a; GET k → "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80q\xa6\x84NW"
    expect(hex(createHll())).toBe(`48594c4c01000000${'00'.repeat(8)}7fff`);
    expect(hex(hllOf(['a']).bytes)).toBe(`48594c4c01000000${'00'.repeat(7)}8071a6844e57`);
  });

  it('counts as Redis counts, sparse and (past 3000 bytes) dense', () => {
    const small = hllOf(range('x', 100));
    expect([isDense(small.bytes), small.bytes.length, count(small)]).toEqual([false, 288, 99]);
    const large = hllOf(range('x', 3000));
    expect([isDense(large.bytes), large.bytes.length, count(large)]).toEqual([true, 12304, 2985]);
    expect(count({ bytes: createHll() })).toBe(0);
  });

  it('adding an element twice changes nothing the second time', () => {
    const hll = hllOf(['a', 'b']);
    expect(hllAdd(hll, text('a'))).toBe(0);
    expect(hllAdd(hll, text('c'))).toBe(1);
  });

  it('counts a union from merged registers as one HLL of all the elements', () => {
    const registers = new Uint8Array(HLL_REGISTERS);
    mergeRegisters(registers, hllOf(range('x', 100)).bytes);
    mergeRegisters(registers, hllOf(range('x', 3000)).bytes);
    mergeRegisters(registers, hllOf(range('y', 50)).bytes);
    expect(estimate(rawHistogram(registers))).toBe(count(hllOf([...range('x', 3000), ...range('y', 50)])));
  });

  it('recognises HLLs and refuses corrupt sparse opcodes', () => {
    expect(isHll(createHll())).toBe(true);
    expect(isHll(text('HYLL'))).toBe(false);
    const denseHeaderOnly = createHll();
    denseHeaderOnly[4] = 0;
    expect(isHll(denseHeaderOnly)).toBe(false); // dense must be exactly 12304 bytes
    const corrupt = createHll().slice(0, 17); // XZERO cut in half
    corrupt[16] = 0x05; // ZERO of 6: far from 16384 registers
    expect(registerHistogram(corrupt)).toBeNull();
    expect(() => mergeRegisters(new Uint8Array(HLL_REGISTERS), corrupt)).toThrow(CorruptHllError);
    expect(() => hllAdd({ bytes: corrupt }, text('a'))).toThrow(CorruptHllError); // register 12711 is past the opcodes
  });

  it('reads the cached cardinality only while its stale bit is clear', () => {
    const hll = createHll();
    expect(cachedCardinality(hll)).toBe(0);
    expect(cachedCardinality(hllOf(['a']).bytes)).toBeNull();
  });
});
