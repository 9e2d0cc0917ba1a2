import { describe, expect, it } from "vitest";
import { lcsFMeasure } from "./index.js";
import { OverlapBound } from "./overlap-bound.js";

const THRESHOLDS = [0, 0.1, 0.3, 0.5, 0.7, 0.75, 0.9, 0.99, 1];

/** need(m, n) by its definition, over every LCS length. */
function bruteNeed(t: number, m: number, n: number): number {
  for (let lcs = 0; lcs <= Math.min(m, n); lcs++) if (lcsFMeasure(lcs, m, n) > t) return lcs;
  return Infinity;
}

describe("OverlapBound", () => {
  it.each(THRESHOLDS)("need(m, n) is the least rejecting LCS, at threshold %s", (t) => {
    const bound = new OverlapBound(t);
    for (let m = 1; m <= 60; m++) {
      for (let n = 1; n <= 60; n++) expect(bound.need(m, n)).toBe(bruteNeed(t, m, n));
    }
    expect(bound.need(700, 650)).toBe(bruteNeed(t, 700, 650));
  });

  it.each(THRESHOLDS)("the prefix minimums are the minimum over every length, at %s", (t) => {
    const bound = new OverlapBound(t);
    for (let own = 1; own <= 40; own++) {
      let candidate = Infinity;
      let kept = Infinity;
      // Past any length that can matter: for t >= 0.1, need() is infinite beyond 19 times own.
      for (let other = 1; other <= 25 * own; other++) {
        candidate = Math.min(candidate, bruteNeed(t, own, other));
        kept = Math.min(kept, bruteNeed(t, other, own));
      }
      expect(bound.candidateMinimum(own)).toBe(candidate);
      expect(bound.keptMinimum(own)).toBe(kept);
    }
  });
});
