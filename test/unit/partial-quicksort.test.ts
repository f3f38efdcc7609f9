import { describe, expect, it } from 'vitest';
import { partialQuicksort } from '../../stack/upstash/partial-quicksort';

describe('partialQuicksort (Redis pqsort.c)', () => {
  it('puts the wanted ranks where a full sort puts them', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 50;
    for (const size of [3, 7, 8, 41, 200]) {
      const items = Array.from({ length: size }, random);
      const sorted = [...items].sort((a, b) => a - b);
      for (const last of [0, Math.floor(size / 3), size - 1]) {
        const copy = [...items];
        partialQuicksort(copy, (a, b) => a - b, 0, last);
        expect(copy.slice(0, last + 1)).toEqual(sorted.slice(0, last + 1));
        expect([...copy].sort((a, b) => a - b)).toEqual(sorted);
      }
    }
  });

  it("is not stable: equal items come out in pqsort's own order", () => {
    const items = Array.from({ length: 9 }, (_, i) => ({ key: i % 3, id: i }));
    partialQuicksort(items, (a, b) => a.key - b.key, 0, 2);
    expect(items.slice(0, 3).map((item) => item.key)).toEqual([0, 0, 0]);
  });
});
