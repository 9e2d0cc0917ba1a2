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
// The order is frozen between rebuilds: token rarity as counted at the last rebuild, ties and
// tokens first seen since then (rarity 0) broken by token id. It is rebuilt, every posting
// recomputed under the new counts, whenever the number of kept texts has doubled, so the cost
// stays linear overall while common words keep to the end of every prefix. Which order is in
// force changes how fast a query is, never its answer.
import type { EncodedText } from "./encoded-text.js";
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
  private postings: number[][] = [];
  private rarity = new Int32Array(0);
  private keptAtRebuild = 0;
  private seen = new Int32Array(16);
  private query = 0;
  private queryCounts = new Int32Array(16);
  private row = new Int32Array(64);
  private prefixTokens = new Int32Array(64);
  private prefixCounts = new Int32Array(64);

  constructor(private readonly bound: OverlapBound) {}

  get size(): number {
    return this.kept.length;
  }

  insert(text: EncodedText): void {
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
      for (const kept of posting) {
        if (this.seen[kept] === this.query) continue;
        this.seen[kept] = this.query;
        const score = this.scoreAboveThreshold(text, this.kept[kept]!);
        if (score === undefined) continue;
        if (!best || score > best.score || (score === best.score && kept < best.kept)) {
          best = { kept, score };
        }
      }
    }
    for (const token of text.distinct) this.queryCounts[token] = 0;
    return best;
  }

  private scoreAboveThreshold(text: EncodedText, kept: EncodedText): number | undefined {
    const m = text.ids.length;
    const n = kept.ids.length;
    const need = this.bound.need(m, n);
    if (need === Infinity) return undefined;
    let overlap = 0;
    for (let i = 0; i < kept.distinct.length; i++) {
      overlap += Math.min(this.queryCounts[kept.distinct[i]!]!, kept.counts[i]!);
    }
    if (overlap < need) return undefined;
    if (this.row.length <= n) this.row = new Int32Array(2 * n + 1);
    const score = lcsFMeasure(lcsLength(text.ids, kept.ids, this.row), m, n);
    return score > this.bound.threshold ? score : undefined;
  }

  private prepareQuery(text: EncodedText): void {
    this.query += 1;
    if (this.seen.length < this.kept.length) {
      const grown = new Int32Array(2 * this.kept.length);
      grown.set(this.seen);
      this.seen = grown;
    }
    const largest = text.distinct.reduce((most, id) => Math.max(most, id), 0);
    if (this.queryCounts.length <= largest) this.queryCounts = new Int32Array(2 * largest + 1);
    text.distinct.forEach((id, i) => (this.queryCounts[id] = text.counts[i]!));
  }

  /**
   * Puts into prefixTokens the distinct tokens among the first `length` occurrences in the
   * frozen order and returns how many there are (insertion sort: texts are short).
   */
  private prefix(text: EncodedText, length: number): number {
    const distinct = text.distinct;
    if (this.prefixTokens.length < distinct.length) {
      this.prefixTokens = new Int32Array(2 * distinct.length);
      this.prefixCounts = new Int32Array(2 * distinct.length);
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
    while (covered < length) covered += counts[taken++]!;
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
    for (let p = 0; p < tokens; p++) (this.postings[this.prefixTokens[p]!] ??= []).push(kept);
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
