// Zipf-distributed picks: a few hot keys take most requests, a long tail stays cold, as on a
// real catalog. Sampling is a binary search over a precomputed CDF.

export function zipfSampler(count: number, exponent = 1.07, random: () => number = Math.random): () => number {
  const cdf = new Float64Array(count);
  let total = 0;
  for (let rank = 1; rank <= count; rank++) {
    total += 1 / rank ** exponent;
    cdf[rank - 1] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cdf[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}
