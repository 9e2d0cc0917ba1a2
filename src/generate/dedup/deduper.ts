// The ROUGE-L near-duplicate filter of Self-Instruct and Alpaca: a candidate instruction is
// rejected when its ROUGE-L F-measure against any kept instruction is above the threshold
// (0.7 in both recipes). createDeduper answers through the candidate index;
// createAllPairsDeduper is the plain loop over every kept text, the reference the index is
// tested and benchmarked against. Both give the same verdict for every offer.
import { TokenVocabulary, type EncodedText } from "./encoded-text.js";
import { NearDuplicateIndex, type NearestKept } from "./near-duplicate-index.js";
import { OverlapBound } from "./overlap-bound.js";
import { lcsFMeasure, lcsLength } from "./rouge-l.js";

export interface DedupOptions {
  /** Reject a candidate whose ROUGE-L F against a kept text is above this; default 0.7. */
  threshold?: number;
}

export type DedupVerdict = { kept: true } | { kept: false; similarTo: string; score: number };

export interface Deduper {
  /** Adds without checking (seed tasks). */
  add(text: string): void;
  /** Checks against everything kept so far; keeps it when not a near-duplicate. */
  offer(text: string): DedupVerdict;
  readonly size: number;
}

export const DEFAULT_DEDUP_THRESHOLD = 0.7;

interface NearestSource {
  insert(text: EncodedText): void;
  nearest(text: EncodedText): NearestKept | undefined;
}

/** Dedup through the candidate index: exact ROUGE-L only against texts that could match. */
export function createDeduper(options: DedupOptions = {}): Deduper {
  const threshold = checkedThreshold(options.threshold);
  return deduperOver(new NearDuplicateIndex(new OverlapBound(threshold)));
}

/** The plain all-pairs loop (Self-Instruct's): ROUGE-L against every kept text. */
export function createAllPairsDeduper(options: DedupOptions = {}): Deduper {
  const threshold = checkedThreshold(options.threshold);
  const kept: EncodedText[] = [];
  let row = new Int32Array(64);
  return deduperOver({
    insert: (text) => void kept.push(text),
    nearest(text) {
      let best: NearestKept | undefined;
      kept.forEach((other, at) => {
        if (row.length <= other.ids.length) row = new Int32Array(2 * other.ids.length + 1);
        const lcs = text.ids.length && other.ids.length ? lcsLength(text.ids, other.ids, row) : 0;
        const score = lcsFMeasure(lcs, text.ids.length, other.ids.length);
        if (!best || score > best.score) best = { kept: at, score };
      });
      return best && best.score > threshold ? best : undefined;
    },
  });
}

function deduperOver(source: NearestSource): Deduper {
  const vocabulary = new TokenVocabulary();
  const texts: string[] = [];
  const keep = (text: string, encoded: EncodedText) => {
    texts.push(text);
    source.insert(encoded);
  };
  return {
    add: (text) => keep(text, vocabulary.encode(text)),
    offer(text) {
      const encoded = vocabulary.encode(text);
      const nearest = source.nearest(encoded);
      if (nearest) return { kept: false, similarTo: texts[nearest.kept]!, score: nearest.score };
      keep(text, encoded);
      return { kept: true };
    },
    get size() {
      return texts.length;
    },
  };
}

/** The threshold is bounded by the spec schema; anything else here is a caller's bug. */
function checkedThreshold(threshold = DEFAULT_DEDUP_THRESHOLD): number {
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new RangeError(`dedup threshold must be a number in [0, 1], got ${threshold}`);
  }
  return threshold;
}
