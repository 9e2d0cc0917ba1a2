import type { DatasetSource } from "../config/index.js";
import type { Example, RawRecord } from "./example.js";
import { exampleReader } from "./formats/read-example.js";
import type { ProblemCollector } from "./problem-collector.js";
import { renderRecord, type RenderedRecord } from "./record-render.js";
import { readRecordBatches, type OpenInput } from "./readers/record-source.js";
import type { PromptTemplate } from "./templates/prompt-template.js";
import type { tokenizerTemplate } from "./templates/template-registry.js";
import { scanTextLabel } from "./text-label-scan.js";
import type { TrainerTokenizer } from "./tokens/index.js";

export interface ScanOptions {
  seed: number;
  template: PromptTemplate | typeof tokenizerTemplate;
  open?: OpenInput;
  problems: ProblemCollector;
  /** The model's tokens, for pruning few-shot exemplars to max_seq_len (text-label few_shot). */
  tokens?: { tokenizer: TrainerTokenizer; name: string; maxSeqLen: number; trainOnInputs: boolean };
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

/**
 * Reads, checks and renders every record of one source, streaming; invalid records go to the
 * problem collector and are not visited. Stops after the source's `max_records` good ones.
 */
export async function scanSource(
  source: DatasetSource,
  options: ScanOptions,
  visit: (record: ScannedRecord) => void | Promise<void>,
): Promise<{ records: number; invalid: number }> {
  if (source.format === "text-label") return scanTextLabel(source, options, visit);
  const read = exampleReader(source);
  const limit = source.max_records ?? Infinity;
  let records = 0;
  let invalid = 0;
  if (limit === 0) return { records, invalid };
  const reading = readRecordBatches(source.path, {
    type: source.type,
    ...(options.open ? { open: options.open } : {}),
  });
  try {
    for await (const batch of reading) {
      for (const raw of batch) {
        const result = read(raw);
        if (result.problems) {
          invalid += 1;
          options.problems.addRecord(result.problems);
          continue;
        }
        if (result.warnings.length) options.problems.addWarnings(result.warnings);
        const { rendered, line } = renderRecord(result.example, options.template);
        const pending = visit(new ScannedLine(result.example, rendered, line, raw));
        if (pending) await pending;
        records += 1;
        if (records >= limit) return { records, invalid };
      }
    }
  } finally {
    await reading.return(undefined);
  }
  return { records, invalid };
}
