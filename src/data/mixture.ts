import type { DatasetSource, MixtureConfig } from "../config/index.js";
import { recordHash } from "./formats/record-hash.js";
import { seededOrder } from "./seeded-order.js";

/** How many records each weighted source gives the training set, and from how many. */
export interface MixturePlan {
  total: number;
  sources: Array<{ path: string; available: number; taken: number }>;
}

/**
 * Examples-proportional mixing with a cap (T5/FLAN), for data.train sources with `weight`:
 * a source's share of the training set is its weight over the sum of weights (a source without
 * one weighs 1; an empty source drops out). Without `allow_repeat` no record is used twice:
 * the source with the least records for its share is used whole and every other is sampled
 * down to its share (`total` caps the size further). With `allow_repeat` the set has `total`
 * records (default: all records read), and a source short of its share repeats records.
 * Undefined when no source has a weight: then every record is used once, as read.
 */
export function planMixture(
  sources: DatasetSource[],
  sizes: number[],
  mixture: MixtureConfig,
): MixturePlan | undefined {
  if (!sources.some((s) => s.weight !== undefined)) return undefined;
  const weights = sources.map((s, i) => ((sizes[i] ?? 0) > 0 ? (s.weight ?? 1) : 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  const shares = weights.map((w) => (sum > 0 ? w / sum : 0));
  let total: number;
  if (mixture.allow_repeat) total = mixture.total ?? sizes.reduce((a, b) => a + b, 0);
  else {
    total = Math.min(...shares.map((share, i) => (share > 0 ? (sizes[i] ?? 0) / share : Infinity)));
    if (!Number.isFinite(total)) total = 0;
    if (mixture.total !== undefined) total = Math.min(total, mixture.total);
  }
  return {
    total,
    sources: sources.map((source, i) => {
      const available = sizes[i] ?? 0;
      const wanted = Math.round(total * (shares[i] ?? 0));
      return {
        path: source.path,
        available,
        taken: mixture.allow_repeat ? wanted : Math.min(wanted, available),
      };
    }),
  };
}

/**
 * The spool indices of the mixture: source i's records are `starts[i] .. starts[i] + available`.
 * Each source is sampled by a seeded permutation of its own (a repeat takes a fresh one per
 * pass), so the same seed gives the same records and another seed another sample. Records
 * keep their file order within a pass unless `shuffle`; the caller shuffles the whole set.
 */
export function mixtureIndices(plan: MixturePlan, starts: number[], seed: number): Uint32Array {
  const out = new Uint32Array(plan.sources.reduce((a, s) => a + s.taken, 0));
  let at = 0;
  plan.sources.forEach((source, i) => {
    const start = starts[i] ?? 0;
    for (let pass = 0, left = source.taken; left > 0; pass++) {
      const order = seededOrder(
        source.available,
        recordHash(`${seed}\u0000mixture\u0000${i}\u0000${pass}`),
        true,
      );
      const take = Array.from(order.subarray(0, Math.min(left, source.available))).sort(
        (a, b) => a - b,
      );
      for (const index of take) out[at++] = start + index;
      left -= take.length;
    }
  });
  return out;
}
