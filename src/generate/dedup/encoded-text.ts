// A text as the dedup compares it: its tokens as small integers (equal tokens, equal ids), and
// the same tokens as a multiset (each distinct id with its count) for the overlap filter.
import { grown } from "./grown-array.js";
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
  /** Occurrences per token id while one text is encoded; all zero between calls. */
  private scratch = new Int32Array(1024);

  get size(): number {
    return this.idsByToken.size;
  }

  encode(text: string): EncodedText {
    const tokens = tokenize(text);
    const ids = new Int32Array(tokens.length);
    const distinct: number[] = [];
    for (let at = 0; at < tokens.length; at++) {
      const token = tokens[at]!;
      let id = this.idsByToken.get(token);
      if (id === undefined) {
        id = this.idsByToken.size;
        this.idsByToken.set(token, id);
      }
      ids[at] = id;
      if (this.scratch.length <= id) this.scratch = grown(this.scratch, 2 * id + 2);
      if ((this.scratch[id] = this.scratch[id]! + 1) === 1) distinct.push(id);
    }
    const counts = new Int32Array(distinct.length);
    distinct.forEach((id, i) => {
      counts[i] = this.scratch[id]!;
      this.scratch[id] = 0;
    });
    return { ids, distinct: Int32Array.from(distinct), counts };
  }
}
