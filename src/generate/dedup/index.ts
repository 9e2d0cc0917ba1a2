/**
 * Temporary stand-in: the plain all-pairs ROUGE-L deduper behind the interface the scalable
 * one (candidate index + exact ROUGE-L) implements. `offer` keeps a text (and adds it) when no
 * text held so far scores above the threshold; `add` holds a text unconditionally (seeds).
 */
export interface DedupOptions {
  threshold?: number /* default 0.7 */;
}
export type DedupVerdict = { kept: true } | { kept: false; similarTo: string; score: number };
export interface Deduper {
  add(text: string): void;
  offer(text: string): DedupVerdict;
  readonly size: number;
}

/** Lower-cased runs of letters and digits of any script. */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** ROUGE-L F-measure of two token lists (LCS-based; 0 when either is empty). */
export function rougeL(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let previous = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (const x of a) {
    for (let j = 1; j <= b.length; j++) {
      row[j] = x === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, row[j - 1]!);
    }
    [previous, row] = [row, previous];
  }
  const lcs = previous[b.length]!;
  if (lcs === 0) return 0;
  const precision = lcs / b.length;
  const recall = lcs / a.length;
  return (2 * precision * recall) / (precision + recall);
}

export function createDeduper(options: DedupOptions = {}): Deduper {
  const threshold = options.threshold ?? 0.7;
  const held: Array<{ text: string; tokens: string[] }> = [];
  return {
    add(text) {
      held.push({ text, tokens: tokenize(text) });
    },
    offer(text) {
      const tokens = tokenize(text);
      let best: { text: string; score: number } | undefined;
      for (const other of held) {
        const score = rougeL(tokens, other.tokens);
        if (score > threshold && (!best || score > best.score)) best = { text: other.text, score };
      }
      if (best) return { kept: false, similarTo: best.text, score: best.score };
      held.push({ text, tokens });
      return { kept: true };
    },
    get size() {
      return held.length;
    },
  };
}
