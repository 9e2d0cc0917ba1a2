/** Min, nearest-rank p50/p90/p99 and max of a set of lengths (all 0 when there are none). */
export interface LengthDistribution {
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function lengthDistribution(lengths: Iterable<number>): LengthDistribution {
  const sorted = Float64Array.from(lengths).sort();
  const at = (q: number) =>
    sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) : 0;
  return {
    min: sorted[0] ?? 0,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}
