// Redis's pqsort.c: Bentley & McIlroy's quicksort (from NetBSD) that skips the partitions holding
// none of the wanted positions. GEOSEARCH … COUNT n sorts with it, and it is not stable, so which of
// several equally distant points come first is whatever this exact algorithm leaves there.

/** Puts `items[first … last]` where a full sort by `compare` would put them; the rest is partly sorted. */
export function partialQuicksort<T>(items: T[], compare: (a: T, b: T) => number, first: number, last: number): void {
  // Positions count half elements, so that C's byte pointers to an element's last byte compare as in C.
  sortPart(items, compare, 0, items.length, 2 * first, 2 * (last + 1) - 1);
}

function sortPart<T>(
  items: T[],
  compare: (a: T, b: T) => number,
  start: number,
  count: number,
  low: number,
  high: number,
): void {
  const cmp = (i: number, j: number) => compare(items[i]!, items[j]!);
  const swap = (i: number, j: number) => {
    const kept = items[i]!;
    items[i] = items[j]!;
    items[j] = kept;
  };
  const swapRuns = (i: number, j: number, length: number) => {
    for (let k = 0; k < length; k++) swap(i + k, j + k);
  };
  const median = (a: number, b: number, c: number) =>
    cmp(a, b) < 0 ? (cmp(b, c) < 0 ? b : cmp(a, c) < 0 ? c : a) : cmp(b, c) > 0 ? b : cmp(a, c) < 0 ? a : c;
  /** Whether the part from `from`, `length` elements long, holds a wanted position. */
  const wanted = (from: number, length: number) => {
    const [l, r] = [2 * from, 2 * (from + length) - 1];
    return !((low < l && high < l) || (low > r && high > r));
  };

  let a = start;
  let n = count;
  for (;;) {
    if (n < 7) {
      for (let m = a + 1; m < a + n; m++) for (let l = m; l > a && cmp(l - 1, l) > 0; l--) swap(l, l - 1);
      return;
    }
    let pivot = a + Math.floor(n / 2);
    if (n > 7) {
      let left = a;
      let right = a + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        left = median(left, left + d, left + 2 * d);
        pivot = median(pivot - d, pivot, pivot + d);
        right = median(right - 2 * d, right - d, right);
      }
      pivot = median(left, pivot, right);
    }
    swap(a, pivot);
    let [pa, pb, pc, pd] = [a + 1, a + 1, a + n - 1, a + n - 1];
    for (;;) {
      let order: number;
      while (pb <= pc && (order = cmp(pb, a)) <= 0) {
        if (order === 0) swap(pa++, pb);
        pb++;
      }
      while (pb <= pc && (order = cmp(pc, a)) >= 0) {
        if (order === 0) swap(pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(pb++, pc--);
    }
    const end = a + n;
    let r = Math.min(pa - a, pb - pa);
    swapRuns(a, pb - r, r);
    r = Math.min(pd - pc, end - pd - 1);
    swapRuns(pb, end - r, r);
    if ((r = pb - pa) > 1 && wanted(a, r)) sortPart(items, compare, a, r, low, high);
    if ((r = pd - pc) > 1 && wanted(end - r, r)) {
      a = end - r;
      n = r;
      continue;
    }
    return;
  }
}
