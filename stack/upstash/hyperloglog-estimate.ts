// The cardinality estimate of Redis's HyperLogLog (hllCount in hyperloglog.c, Redis 7.0): Otmar Ertl's estimator
// ("New cardinality estimation algorithms for HyperLogLog sketches", arXiv:1702.01284) over the histogram of
// register values, in the same double arithmetic, so the numbers are Redis's to the unit.
import { HLL_Q, HLL_REGISTERS } from './hyperloglog';

/** The histogram of registers given one byte each (PFCOUNT of several keys). */
export function rawHistogram(registers: Uint8Array): number[] {
  const histogram = new Array<number>(64).fill(0);
  for (const value of registers) histogram[value]!++;
  return histogram;
}

/** The estimate from how many registers hold each value (0 to 63). */
export function estimate(histogram: number[]): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - histogram[HLL_Q + 1]!) / m);
  for (let j = HLL_Q; j >= 1; j--) {
    z += histogram[j]!;
    z *= 0.5;
  }
  z += m * sigma(histogram[0]! / m);
  // biome-ignore lint/correctness/noPrecisionLoss: Redis's literal, kept as written in hyperloglog.c (it parses to the same double)
  return Math.round((0.72134752044448170368 * m * m) / z); // llroundl of a positive double
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (previous !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y; // GCC compiles Redis's pow(1 - x, 2) to this product
  } while (previous !== z);
  return z / 3;
}
