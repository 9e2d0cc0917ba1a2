import { lengthDistribution } from "../length-distribution.js";
import type { RenderedRecord } from "../record-render.js";
import { encodeRecord, trainableTokens } from "./record-tokens.js";
import type { TrainerTokenizer } from "./trainer-tokenizer.js";

/** What the trainer will do with the records, counted with the model's own tokenizer. */
export interface TokenStats {
  /** The tokenizer counted with: builtin:tiny, a hub id, or a local directory. */
  tokenizer: string;
  max_seq_len: number;
  records: number;
  /** Records longer than max_seq_len: cut at its end (the trainer's `truncated`). */
  truncated: number;
  /** Records left without a trained token (after the cut): the trainer drops them. */
  dropped: number;
  /** Records truncated or dropped, each counted once: what max_truncated_fraction limits. */
  affected: number;
  /** Tokens of the records kept, after the cut (the trainer's `tokens`). */
  tokens: number;
  /** Tokens per record before any cut: BOS, template, EOS included. */
  length: { min: number; p50: number; p90: number; p99: number; max: number };
}

/** The trainer's data.load_examples, record by record, without keeping the ids. */
export class TokenStatsAccumulator {
  private lengths: number[] = [];
  private truncated = 0;
  private dropped = 0;
  private affected = 0;
  private tokens = 0;

  constructor(
    private readonly tok: TrainerTokenizer,
    private readonly options: { tokenizer: string; maxSeqLen: number; trainOnInputs: boolean },
  ) {}

  add(record: RenderedRecord): void {
    const encoded = encodeRecord(this.tok, record, this.options.trainOnInputs);
    const max = this.options.maxSeqLen;
    const length = encoded.ids.length;
    this.lengths.push(length);
    const cut = length > max;
    const dropped = trainableTokens(encoded, max) === 0;
    if (cut) this.truncated += 1;
    if (dropped) this.dropped += 1;
    else this.tokens += Math.min(length, max);
    if (cut || dropped) this.affected += 1;
  }

  /** Each record's length, in the order added. */
  get recordLengths(): readonly number[] {
    return this.lengths;
  }

  result(): TokenStats {
    return {
      tokenizer: this.options.tokenizer,
      max_seq_len: this.options.maxSeqLen,
      records: this.lengths.length,
      truncated: this.truncated,
      dropped: this.dropped,
      affected: this.affected,
      tokens: this.tokens,
      length: lengthDistribution(this.lengths),
    };
  }
}
