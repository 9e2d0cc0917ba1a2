// The kept texts, indexed so that a candidate is compared (by exact LCS) only with the few
// texts that could possibly score above the threshold, and with no text that could is skipped.
//
// Filters, each lossless (the proofs are in overlap-bound.ts and below):
// - length: a kept text of n tokens can reject a candidate of m only if need(m, n) is finite;
// - overlap: the multiset intersection I must reach need(m, n), because LCS <= I;
// - prefix (the All-Pairs / PPJoin prefix filter): order token occurrences by one fixed total
//   order (rarest token first; the k-th occurrence of a token after its (k-1)-th). Two
//   multisets A, B sharing at least k occurrences share one within the first |A| - k + 1
//   occurrences of A and the first |B| - k + 1 of B: otherwise all k shared ones sit in the
//   last k - 1 of A. Using a smaller k than the pair needs only lengthens the prefixes, so a
//   kept text is indexed under the tokens of its prefix for keptMinimum(n) and a candidate
//   probes the tokens of its prefix for candidateMinimum(m). Sharing an occurrence in both
//   prefixes means sharing the token's first occurrence, so postings are per token.
// - position (PPJoin's positional filter): a posting also holds where the token's first
//   occurrence sits in the kept text's order (j; i in the candidate's). When a probe first
//   reaches a kept text through token w, every shared occurrence ranks at or after w's: one
//   ranked before would sit in both prefixes (a prefix holds everything ranked before its
//   end) and would have reached the text earlier. So I <= min(m - i, n - j), checked before
//   counting I, and a text pruned at first reach stays pruned.
// The order is frozen between rebuilds: token rarity as counted at the last rebuild, ties and
// tokens first seen since then (rarity 0) broken by token id. It is rebuilt, every posting
// recomputed under the new counts, whenever the number of kept texts has doubled, so the cost
// stays linear overall while common words keep to the end of every prefix. Which order is in
// force changes how fast a query is, never its answer.
import type { EncodedText } from "./encoded-text.js";
import { grown } from "./grown-array.js";
import type { OverlapBound } from "./overlap-bound.js";
import { lcsFMeasure, lcsLength } from "./rouge-l.js";

const FIRST_REBUILD = 64;

export interface NearestKept {
  /** Position of the kept text, in insertion order. */
  readonly kept: number;
  readonly score: number;
}

export class NearDuplicateIndex {
  private readonly kept: EncodedText[] = [];
  // Each kept text's length and token multiset, flat and in insertion order: the overlap check
  // runs for every text a probe reaches, and reading these is faster than chasing objects.
  private lengths = new Int32Array(256);
  private bagStarts = new Int32Array(257);
  private bagTokens = new Int32Array(2048);
  private bagCounts = new Int32Array(2048);
  /** By token id: (kept text, position of the token's first occurrence in its order) pairs. */
  private postings: number[][] = [];
  private rarity = new Int32Array(0);
  private keptAtRebuild = 0;
  private seen = new Int32Array(16);
  private query = 0;
  private queryCounts = new Int32Array(16);
  private row = new Int32Array(64);
  private prefixTokens = new Int32Array(64);
  private prefixCounts = new Int32Array(64);
  private prefixPositions = new Int32Array(64);

  constructor(private readonly bound: OverlapBound) {}

  get size(): number {
    return this.kept.length;
  }

  insert(text: EncodedText): void {
    this.keepFlat(this.kept.length, text);
    this.kept.push(text);
    if (this.kept.length >= Math.max(FIRST_REBUILD, 2 * this.keptAtRebuild)) this.rebuild();
    else this.post(this.kept.length - 1);
  }

  /**
   * The kept text with the highest ROUGE-L against `text` among those scoring above the
   * threshold (the earliest kept on a tie), or undefined when none does.
   */
  nearest(text: EncodedText): NearestKept | undefined {
    const m = text.ids.length;
    const least = m === 0 ? Infinity : this.bound.candidateMinimum(m);
    if (least === Infinity) return undefined;
    this.prepareQuery(text);
    let best: NearestKept | undefined;
    const probes = this.prefix(text, m - least + 1);
    for (let p = 0; p < probes; p++) {
      const posting = this.postings[this.prefixTokens[p]!];
      if (!posting) continue;
      const rest = m - this.prefixPositions[p]!;
      for (let at = 0; at < posting.length; at += 2) {
        const kept = posting[at]!;
        if (this.seen[kept] === this.query) continue;
        this.seen[kept] = this.query;
        const score = this.scoreAboveThreshold(text, kept, rest, posting[at + 1]!);
        if (score === undefined) continue;
        if (!best || score > best.score || (score === best.score && kept < best.kept)) {
          best = { kept, score };
        }
      }
    }
    for (const token of text.distinct) this.queryCounts[token] = 0;
    return best;
  }

  private scoreAboveThreshold(
    text: EncodedText,
    kept: number,
    candidateRest: number,
    keptPosition: number,
  ): number | undefined {
    const m = text.ids.length;
    const n = this.lengths[kept]!;
    const need = this.bound.need(m, n);
    if (need === Infinity || Math.min(candidateRest, n - keptPosition) < need) return undefined;
    let overlap = 0;
    for (let at = this.bagStarts[kept]!, end = this.bagStarts[kept + 1]!; at < end; at++) {
      overlap += Math.min(this.queryCounts[this.bagTokens[at]!]!, this.bagCounts[at]!);
    }
    if (overlap < need) return undefined;
    if (this.row.length <= n) this.row = new Int32Array(2 * n + 1);
    const score = lcsFMeasure(lcsLength(text.ids, this.kept[kept]!.ids, this.row), m, n);
    return score > this.bound.threshold ? score : undefined;
  }

  private keepFlat(kept: number, text: EncodedText): void {
    if (kept + 1 >= this.lengths.length) {
      this.lengths = grown(this.lengths, 2 * kept + 2);
      this.bagStarts = grown(this.bagStarts, 2 * kept + 3);
    }
    const start = this.bagStarts[kept]!;
    const end = start + text.distinct.length;
    if (end > this.bagTokens.length) {
      this.bagTokens = grown(this.bagTokens, 2 * end);
      this.bagCounts = grown(this.bagCounts, 2 * end);
    }
    this.lengths[kept] = text.ids.length;
    this.bagTokens.set(text.distinct, start);
    this.bagCounts.set(text.counts, start);
    this.bagStarts[kept + 1] = end;
  }

  private prepareQuery(text: EncodedText): void {
    this.query += 1;
    if (this.seen.length < this.kept.length) this.seen = grown(this.seen, 2 * this.kept.length);
    let largest = 0;
    for (const id of text.distinct) largest = Math.max(largest, id);
    if (this.queryCounts.length <= largest) this.queryCounts = new Int32Array(2 * largest + 1);
    for (let i = 0; i < text.distinct.length; i++) {
      this.queryCounts[text.distinct[i]!] = text.counts[i]!;
    }
  }

  /**
   * Puts into prefixTokens the distinct tokens among the first `length` occurrences in the
   * frozen order, into prefixPositions where each one's first occurrence sits in that order,
   * and returns how many there are (insertion sort: texts are short).
   */
  private prefix(text: EncodedText, length: number): number {
    const distinct = text.distinct;
    if (this.prefixTokens.length < distinct.length) {
      this.prefixTokens = new Int32Array(2 * distinct.length);
      this.prefixCounts = new Int32Array(2 * distinct.length);
      this.prefixPositions = new Int32Array(2 * distinct.length);
    }
    const tokens = this.prefixTokens;
    const counts = this.prefixCounts;
    for (let i = 0; i < distinct.length; i++) {
      const id = distinct[i]!;
      const rarity = this.rarityOf(id);
      let at = i;
      for (; at > 0; at--) {
        const before = tokens[at - 1]!;
        const beforeRarity = this.rarityOf(before);
        if (beforeRarity < rarity || (beforeRarity === rarity && before < id)) break;
        tokens[at] = before;
        counts[at] = counts[at - 1]!;
      }
      tokens[at] = id;
      counts[at] = text.counts[i]!;
    }
    let covered = 0;
    let taken = 0;
    while (covered < length) {
      this.prefixPositions[taken] = covered;
      covered += counts[taken++]!;
    }
    return taken;
  }

  private rarityOf(id: number): number {
    return id < this.rarity.length ? this.rarity[id]! : 0;
  }

  private post(kept: number): void {
    const text = this.kept[kept]!;
    const n = text.ids.length;
    const least = n === 0 ? Infinity : this.bound.keptMinimum(n);
    if (least === Infinity) return;
    const tokens = this.prefix(text, n - least + 1);
    for (let p = 0; p < tokens; p++) {
      (this.postings[this.prefixTokens[p]!] ??= []).push(kept, this.prefixPositions[p]!);
    }
  }

  private rebuild(): void {
    let vocabulary = 0;
    for (const text of this.kept) {
      for (const id of text.distinct) vocabulary = Math.max(vocabulary, id + 1);
    }
    this.rarity = new Int32Array(vocabulary);
    for (const text of this.kept) for (const id of text.distinct) this.rarity[id]! += 1;
    this.postings = [];
    this.keptAtRebuild = this.kept.length;
    for (let kept = 0; kept < this.kept.length; kept++) this.post(kept);
  }
}
