import type { Example, RawRecord } from "./example.js";
import type { ProblemCollector } from "./problem-collector.js";
import type { RenderedRecord } from "./record-render.js";
import type { OpenInput } from "./readers/record-source.js";
import type { PromptTemplate } from "./templates/prompt-template.js";
import type { tokenizerTemplate } from "./templates/template-registry.js";
import type { TrainerTokenizer } from "./tokens/index.js";

/** How one source is scanned: the seed of per-record choices, the template, where problems go. */
export interface ScanOptions {
  seed: number;
  template: PromptTemplate | typeof tokenizerTemplate;
  open?: OpenInput;
  problems: ProblemCollector;
  /** The model's tokens, for pruning few-shot exemplars to max_seq_len (text-label few_shot). */
  tokens?: { tokenizer: TrainerTokenizer; name: string; maxSeqLen: number; trainOnInputs: boolean };
  /** The source's config path (`data.train.0`), for problems with its settings. */
  configPath?: string;
  /** Why the model's tokens cannot be counted here, when they cannot. */
  tokensUnavailable?: string;
}

export interface ScannedRecord {
  example: Example;
  rendered: RenderedRecord;
  /** The rendered record as one JSONL line, without the newline. */
  line: string;
  where: string;
}

/** A scanned record; `where` is built only when asked for (rendering never asks). */
export class ScannedLine implements ScannedRecord {
  constructor(
    readonly example: Example,
    readonly rendered: RenderedRecord,
    readonly line: string,
    private readonly raw: RawRecord,
  ) {}

  get where(): string {
    return this.raw.where;
  }
}
