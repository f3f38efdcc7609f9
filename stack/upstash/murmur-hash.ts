// MurmurHash2, 64-bit version (MurmurHash64A), as Redis's hyperloglog.c has it: 8-byte blocks read
// little-endian whatever the machine, so the same bytes hash the same everywhere. BigInt arithmetic
// wrapped to 64 bits stands in for C's uint64_t.

const M = 0xc6a4a7935bd1e995n;
const R = 47n;
const wrap = (value: bigint) => BigInt.asUintN(64, value);

export function murmurHash64A(data: Uint8Array, seed: number): bigint {
  const length = data.length;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let h = wrap(BigInt(seed >>> 0) ^ wrap(BigInt(length) * M));
  const blocksEnd = length - (length & 7);
  for (let i = 0; i < blocksEnd; i += 8) {
    let k = wrap(view.getBigUint64(i, true) * M);
    k ^= k >> R;
    k = wrap(k * M);
    h ^= k;
    h = wrap(h * M);
  }
  const tail = length & 7;
  if (tail > 0) {
    // The C switch falls through from the last byte of the tail down to the first.
    for (let i = tail - 1; i >= 0; i--) h ^= BigInt(data[blocksEnd + i]!) << BigInt(8 * i);
    h = wrap(h * M);
  }
  h ^= h >> R;
  h = wrap(h * M);
  h ^= h >> R;
  return h;
}
