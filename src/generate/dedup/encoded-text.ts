// A text as the dedup compares it: its tokens as small integers (equal tokens, equal ids), and
// the same tokens as a multiset (each distinct id with its count) for the overlap filter.
import { tokenize } from "./tokenize.js";

export interface EncodedText {
  /** Token ids in text order: what the LCS runs over. */
  readonly ids: Int32Array;
  /** Each distinct token id once, in order of first appearance. */
  readonly distinct: Int32Array;
  /** counts[i]: occurrences of distinct[i]. */
  readonly counts: Int32Array;
}

export class TokenVocabulary {
  private readonly idsByToken = new Map<string, number>();

  get size(): number {
    return this.idsByToken.size;
  }

  encode(text: string): EncodedText {
    const tokens = tokenize(text);
    const ids = new Int32Array(tokens.length);
    const counts = new Map<number, number>();
    tokens.forEach((token, at) => {
      let id = this.idsByToken.get(token);
      if (id === undefined) {
        id = this.idsByToken.size;
        this.idsByToken.set(token, id);
      }
      ids[at] = id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    });
    return {
      ids,
      distinct: Int32Array.from(counts.keys()),
      counts: Int32Array.from(counts.values()),
    };
  }
}
