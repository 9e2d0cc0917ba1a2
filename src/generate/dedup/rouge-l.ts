// ROUGE-L F-measure as rouge_score computes it (rouge_scorer._score_lcs and scoring.fmeasure),
// operation for operation, so that a score exactly at the threshold rounds the same way and a
// `> 0.7` decision never differs from Self-Instruct's.

/**
 * The F-measure of an LCS of length `lcs` between a target of `targetLength` tokens and a
 * prediction of `predictionLength` tokens: precision = lcs / |prediction|, recall = lcs /
 * |target|, F = 2·P·R / (P + R), 0 when either side is empty or P + R is 0.
 */
export function lcsFMeasure(lcs: number, targetLength: number, predictionLength: number): number {
  if (targetLength === 0 || predictionLength === 0) return 0;
  const precision = lcs / predictionLength;
  const recall = lcs / targetLength;
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

/** Length of a longest common subsequence; one DP row, reused through `row` when given. */
export function lcsLength<T>(
  a: ArrayLike<T>,
  b: ArrayLike<T>,
  row: Int32Array = new Int32Array(b.length + 1),
): number {
  row.fill(0, 0, b.length + 1);
  for (let i = 0; i < a.length; i++) {
    const token = a[i];
    let diagonal = 0;
    for (let j = 0; j < b.length; j++) {
      const above = row[j + 1]!;
      row[j + 1] = token === b[j] ? diagonal + 1 : Math.max(above, row[j]!);
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * ROUGE-L F-measure of two token lists, `a` as rouge_score's target and `b` as its prediction
 * (Self-Instruct passes the new instruction as the target and each kept one as the prediction).
 */
export function rougeL(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  return lcsFMeasure(lcsLength(a, b), a.length, b.length);
}
