import type { AgreeFamilies } from './agree-command';

const elements = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
// Hand-made HLL headers ("HYLL", encoding, 3 unused bytes, cached cardinality): ASCII only, so JSON carries them
// exactly.
const header = (encoding: string, cached: string) => `HYLL${encoding}\u0000\u0000\u0000${cached}`;
const validCache = `*${'\u0000'.repeat(7)}`; // 42, and the top bit ("stale") clear
const zeroCache = '\u0000'.repeat(8);
const hugeCache = `${'\u0000'.repeat(7)}\u0010`; // 2^60, valid
// XZERO 16256 + ZERO 64 + ZERO 64: all 16384 registers zero, in ASCII opcodes.
const allZeroSparse = '\u007f\u007f\u003f\u003f';

// HLLs are strings whose bytes are mostly not UTF-8. Over JSON (no base64) GET decodes them the same way on both
// backends, so GET compares the encodings (cached cardinality included) wherever the bytes are ASCII.
export const hyperLogLogFamilies: AgreeFamilies = {
  hyperloglog: [
    ['PFADD', '{h}', 'a', 'b', 'c'], ['PFADD', '{h}', 'a'], ['PFADD', '{h}', 'a', 'd'], ['PFCOUNT', '{h}'],
    ['GET', '{h}'], ['PFADD', '{h}'], ['PFCOUNT', '{h}'], ['TYPE', '{h}'], ['PFADD', '{e}'], ['PFADD', '{e}'],
    ['PFCOUNT', '{e}'], ['GET', '{e}'], ['PFCOUNT', '{none}'], ['PFCOUNT', '{none}', '{none2}'], ['EXISTS', '{none}'],
    ['PFADD', '{u}', 'héllo', '日本', '', 'x'.repeat(100)], ['PFCOUNT', '{u}'], ['GET', '{u}'],
    ['PFADD', '{s200}', ...elements('s', 200)], ['PFCOUNT', '{s200}'], ['GET', '{s200}'],
    ['PFADD', '{d}', ...elements('d', 1500)], ['PFCOUNT', '{d}'], ['PFADD', '{d}', ...elements('e', 1500)],
    ['PFCOUNT', '{d}'], ['PFADD', '{d}', 'd1'], ['PFCOUNT', '{d}'], ['GET', '{d}'],
    ['PFADD', '{big}', ...elements('big', 20000)], ['PFCOUNT', '{big}'], ['PFCOUNT', '{h}', '{u}'],
    ['PFCOUNT', '{h}', '{none}', '{d}', '{big}'], ['PFCOUNT', '{h}', '{h}'], ['PFADD', '{t}', 'a'],
    ['EXPIRE', '{t}', 100], ['PFADD', '{t}', 'b'], ['PFCOUNT', '{t}'], ['TTL', '{t}'],
  ],
  'hyperloglog: PFMERGE': [
    ['PFADD', '{a}', ...elements('a', 50)], ['PFADD', '{b}', ...elements('a', 25), ...elements('b', 50)],
    ['PFMERGE', '{m}', '{a}', '{b}'], ['PFCOUNT', '{m}'], ['GET', '{m}'], ['PFMERGE', '{a}', '{b}'],
    ['PFCOUNT', '{a}'], ['PFMERGE', '{a}'], ['PFCOUNT', '{a}'], ['PFMERGE', '{new}'], ['EXISTS', '{new}'],
    ['PFCOUNT', '{new}'], ['GET', '{new}'], ['PFMERGE', '{new2}', '{none}', '{none2}'], ['GET', '{new2}'],
    ['PFADD', '{dense}', ...elements('x', 3000)], ['PFMERGE', '{m}', '{dense}'], ['PFCOUNT', '{m}'],
    ['PFMERGE', '{m2}', '{a}', '{dense}', '{b}'], ['PFCOUNT', '{m2}'], ['PFCOUNT', '{m}', '{m2}', '{a}'],
    ['PFMERGE', '{many}', '{a}', '{b}', '{none}'], ['PFADD', '{many}', ...elements('many', 2000)],
    ['PFCOUNT', '{many}'], ['PFMERGE', '{many}', '{b}'], ['PFCOUNT', '{many}'], ['SET', '{mt}', 'x'], ['DEL', '{mt}'],
    ['PFADD', '{mt}', 'q'], ['EXPIRE', '{mt}', 100], ['PFMERGE', '{mt}', '{a}'], ['TTL', '{mt}'],
  ],
  'hyperloglog: not an HLL': [
    ['SET', '{s}', 'not an hll'], ['PFADD', '{s}', 'x'], ['PFCOUNT', '{s}'], ['PFCOUNT', '{s}', '{none}'],
    ['PFCOUNT', '{none}', '{s}'], ['PFMERGE', '{s}', '{none}'], ['PFMERGE', '{m}', '{s}'], ['EXISTS', '{m}'],
    ['GET', '{s}'], ['SET', '{int}', 12345], ['PFCOUNT', '{int}'], ['SET', '{short}', 'HYLL'],
    ['PFADD', '{short}', 'a'], ['SET', '{enc}', header('\u0002', zeroCache) + allZeroSparse], ['PFCOUNT', '{enc}'],
    ['SET', '{dense}', header('\u0000', zeroCache) + allZeroSparse], ['PFCOUNT', '{dense}'],
    ['PFADD', '{dense}', 'a'], ['HSET', '{hash}', 'f', 'v'], ['PFADD', '{hash}', 'a'], ['PFCOUNT', '{hash}'],
    ['PFCOUNT', '{hash}', '{none}'], ['PFMERGE', '{hash}'], ['PFMERGE', '{m}', '{hash}'], ['RPUSH', '{list}', 'a'],
    ['PFCOUNT', '{list}'],
    // Hand-made sparse HLLs: a valid cache is trusted as it is; opcodes that do not cover 16384 registers are corrupt.
    ['SET', '{v}', header('\u0001', validCache) + allZeroSparse], ['PFCOUNT', '{v}'], ['PFCOUNT', '{v}', '{none}'],
    ['PFADD', '{v}', 'a'], ['PFCOUNT', '{v}'], ['SET', '{c}', header('\u0001', zeroCache) + '\u0005'],
    ['PFCOUNT', '{c}'], ['PFCOUNT', '{c}', '{none}'], ['PFMERGE', '{m}', '{c}'], ['PFADD', '{c}', 'a', 'b'],
    ['GET', '{c}'], ['SET', '{c3}', header('\u0001', zeroCache) + allZeroSparse + '\u0000'],
    ['PFCOUNT', '{c3}', '{c3}'], ['PFMERGE', '{c3}'],
    ['SET', '{c4}', header('\u0001', hugeCache) + allZeroSparse.slice(0, 3)],
    ['PFADD', '{c4}', 'a'], ['PFCOUNT', '{c4}'],
  ],
};
