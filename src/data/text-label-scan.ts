import type { DatasetSource } from "../config/index.js";
import { UserError } from "../errors/index.js";
import type { RawRecord } from "./example.js";
import { TextLabelBuilder, type FitsCheck } from "./formats/flan-builder.js";
import { withSourceSystem } from "./formats/read-example.js";
import { RecordFields } from "./formats/record-fields.js";
import { readLabelledRow, textLabelTask, type LabelledRow } from "./formats/text-label-format.js";
import { renderRecord } from "./record-render.js";
import { readRecordBatches } from "./readers/record-source.js";
import { ScannedLine, type ScanOptions, type ScannedRecord } from "./scanned-record.js";
import { encodeRecord } from "./tokens/index.js";

/**
 * A text-label source: every row read and checked first (exemplars come from the whole
 * source, so its rows are held in memory), then each built into an instruction record by
 * its index and train.seed, rendered and visited in file order.
 */
export async function scanTextLabel(
  source: DatasetSource,
  options: ScanOptions,
  visit: (record: ScannedRecord) => void | Promise<void>,
): Promise<{ records: number; invalid: number }> {
  const task = textLabelTask(source.text_label, options.seed);
  const fits = task.fewShot ? fitsCheck(source, options) : undefined;
  const limit = source.max_records ?? Infinity;
  const rows: LabelledRow[] = [];
  const raws: RawRecord[] = [];
  let invalid = 0;
  const reading = readRecordBatches(source.path, {
    type: source.type,
    ...(options.open ? { open: options.open } : {}),
  });
  try {
    reading: for await (const batch of reading) {
      for (const raw of batch) {
        if (rows.length >= limit) break reading;
        if (raw.error !== undefined) {
          invalid += 1;
          options.problems.addRecord([{ where: raw.where, message: raw.error }]);
          continue;
        }
        const fields = new RecordFields(raw.value, raw.where, source.fields);
        const row = readLabelledRow(fields, task);
        if (!row || fields.problems.length) {
          invalid += 1;
          options.problems.addRecord(fields.problems);
          continue;
        }
        if (fields.warnings.length) options.problems.addWarnings(fields.warnings);
        rows.push(row);
        raws.push(raw);
      }
    }
  } finally {
    await reading.return(undefined);
  }
  const builder = new TextLabelBuilder(rows, task, fits);
  let records = 0;
  for (let index = 0; index < rows.length; index++) {
    const raw = raws[index] as RawRecord;
    const built = builder.build(index);
    if (built.problem) {
      invalid += 1;
      options.problems.addRecord([{ where: raw.where, ...built.problem }]);
      continue;
    }
    withSourceSystem(built.example, source);
    const { rendered, line } = renderRecord(built.example, options.template);
    const pending = visit(new ScannedLine(built.example, rendered, line, raw));
    if (pending) await pending;
    records += 1;
  }
  return { records, invalid };
}

/** Few-shot records are pruned in the model's tokens, counted as the trainer encodes them. */
function fitsCheck(source: DatasetSource, options: ScanOptions): FitsCheck {
  const tokens = options.tokens;
  if (!tokens)
    throw new UserError(
      `${source.path}: text_label.few_shot needs the model's tokenizer on this machine, to keep few-shot records within data.max_seq_len`,
      {
        code: "data.few_shot_tokens",
        problems: [
          {
            path: `${options.configPath ?? source.path}.text_label.few_shot`,
            message: `the model's tokenizer cannot be read here: ${options.tokensUnavailable ?? "none was given"}`,
          },
        ],
        hint: "use a model.base whose tokenizer is readable here (builtin:tiny, a local directory, a reachable hub id), or remove few_shot",
      },
    );
  return (example) =>
    encodeRecord(
      tokens.tokenizer,
      renderRecord(example, options.template).rendered,
      tokens.trainOnInputs,
    ).ids.length <= tokens.maxSeqLen;
}
