// How many tokens a kept text must share with a candidate before ROUGE-L can reject the
// candidate: the bound that lets the index skip texts without ever missing a near-duplicate.
//
// Why it is lossless. For a candidate of m tokens and a kept text of n tokens, the LCS is a
// common subsequence, so LCS <= I, the size of their multiset intersection (sum over tokens
// of the smaller count), and LCS <= min(m, n). `need(m, n)` is the smallest L in 1..min(m, n)
// whose F-measure, computed exactly as rouge_score computes it (lcsFMeasure), is > threshold;
// Infinity when there is none. Every L below need(m, n) scores <= threshold by that
// definition (and L = 0 scores 0), so when I < need(m, n) the LCS is below it too and the pair
// cannot reject. No rounding argument is needed for this part: need() evaluates the very float
// expression the decision uses.
//
// The prefix sizes of the index (see token-index.ts) need a lower bound of need() over every
// length the other side may have. Scanning lengths upward is cut off with the one float fact
// used here: rouge_score's F is five correctly rounded operations (L/n, L/m, (2P)·R, P + R
// and the quotient; doubling is exact) away from the exact 2·L / (m + n), so it exceeds the
// exact value by a factor of at most (1 + u)^4 / (1 - u)^2 < 1 + 7u (u = 2^-53), and computing
// the bound below adds under 3u more; hence F > t implies L > t·(m + n)·(1 - 1e-12) / 2 as
// computed, with a margin of four orders of magnitude.
import { lcsFMeasure } from "./rouge-l.js";

const SLACK = 1 - 1e-12;
const DENSE = 512;
const UNKNOWN = 0;
const NONE = 0x7fffffff;

export class OverlapBound {
  /** needs[m][n] for lengths below DENSE: UNKNOWN until computed, NONE for Infinity. */
  private readonly needs: Int32Array[] = [];
  private readonly candidateMins: number[] = [];
  private readonly keptMins: number[] = [];

  constructor(readonly threshold: number) {}

  /** Smallest LCS with which a candidate of m tokens is rejected by a kept text of n tokens. */
  need(m: number, n: number): number {
    if (m >= DENSE || n >= DENSE) return this.search(m, n);
    const row = (this.needs[m] ??= new Int32Array(DENSE));
    let found = row[n]!;
    if (found === UNKNOWN) row[n] = found = Math.min(this.search(m, n), NONE);
    return found === NONE ? Infinity : found;
  }

  private search(m: number, n: number): number {
    for (let lcs = 1, most = Math.min(m, n); lcs <= most; lcs++) {
      if (lcsFMeasure(lcs, m, n) > this.threshold) return lcs;
    }
    return Infinity;
  }

  /** min over every kept length n of need(m, n): what a candidate of m tokens must share. */
  candidateMinimum(m: number): number {
    return (this.candidateMins[m] ??= this.scanMinimum(m, (n) => this.need(m, n)));
  }

  /** min over every candidate length m of need(m, n): what a kept text of n tokens must share. */
  keptMinimum(n: number): number {
    return (this.keptMins[n] ??= this.scanMinimum(n, (m) => this.need(m, n)));
  }

  /**
   * Scans the other side's length upward from 1; past the length where even the exact bound
   * L > t·(own + other)·SLACK / 2 rules out both a smaller value than the best so far and any
   * L <= own, nothing further can lower the minimum.
   */
  private scanMinimum(own: number, needWith: (other: number) => number): number {
    let best = Infinity;
    for (let other = 1; ; other++) {
      const floor = (this.threshold * (own + other) * SLACK) / 2;
      if (floor >= Math.min(best, own + 1) - 1) return best;
      best = Math.min(best, needWith(other));
    }
  }
}
