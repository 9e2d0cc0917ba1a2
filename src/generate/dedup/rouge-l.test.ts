import { describe, expect, it } from "vitest";
import { lcsFMeasure, rougeL, tokenize } from "./index.js";
import { lcsLength } from "./rouge-l.js";
import { seededRandom } from "./synthetic-instructions.js";

/** rouge_scorer._lcs_table, transcribed: the full (rows + 1) x (cols + 1) table. */
function lcsTable(ref: readonly string[], can: readonly string[]): number {
  const table = Array.from({ length: ref.length + 1 }, () =>
    new Array<number>(can.length + 1).fill(0),
  );
  for (let i = 1; i <= ref.length; i++) {
    for (let j = 1; j <= can.length; j++) {
      table[i]![j] =
        ref[i - 1] === can[j - 1]
          ? table[i - 1]![j - 1]! + 1
          : Math.max(table[i - 1]![j]!, table[i]![j - 1]!);
    }
  }
  return table[ref.length]![can.length]!;
}

describe("rougeL", () => {
  it("scores rouge_score's docstring example: LCS 5 of 9 and 8 tokens", () => {
    const target = tokenize("The quick brown fox jumps over the lazy dog");
    const prediction = tokenize("The quick brown dog jumps on the log.");
    // LCS = the quick brown jumps the; P = 5/8, R = 5/9, F = 2PR / (P + R) = 10/17.
    expect(rougeL(target, prediction)).toBeCloseTo(10 / 17, 15);
  });

  it("is 0 when either side has no tokens and 1 for equal lists", () => {
    expect(rougeL([], ["a"])).toBe(0);
    expect(rougeL(["a"], [])).toBe(0);
    expect(rougeL(["x", "y", "x"], ["x", "y", "x"])).toBe(1);
    expect(rougeL(["a", "b"], ["c", "d"])).toBe(0);
  });

  it("rounds like rouge_score at the threshold", () => {
    // Values of `p = l/n; r = l/m; 2*p*r/(p+r)` evaluated in CPython, rouge_score's arithmetic:
    // exactly 0.7 on paper in both cases, 0.7000000000000001 for 7 of 9 and 11, 0.7 for 7 of 10 and 10.
    expect(lcsFMeasure(7, 9, 11)).toBe(0.7000000000000001);
    expect(lcsFMeasure(7, 10, 10)).toBe(0.7);
    expect(lcsFMeasure(7, 8, 12)).toBe(0.7000000000000001);
  });

  it("computes the LCS of rouge_score's full table with one row", () => {
    const random = seededRandom(11);
    const alphabet = ["a", "b", "c", "d"];
    for (let i = 0; i < 500; i++) {
      const a = Array.from(
        { length: Math.floor(random() * 25) },
        () => alphabet[Math.floor(random() * 4)]!,
      );
      const b = Array.from(
        { length: Math.floor(random() * 25) },
        () => alphabet[Math.floor(random() * 4)]!,
      );
      expect(lcsLength(a, b)).toBe(lcsTable(a, b));
      expect(lcsLength(b, a, new Int32Array(64))).toBe(lcsTable(a, b));
    }
  });
});
