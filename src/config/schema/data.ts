import { z } from "zod";

export const datasetFormats = [
  "alpaca",
  "sharegpt",
  "messages",
  "completion",
  "segments",
  "text-label",
] as const;

export const fileTypes = ["auto", "json", "jsonl", "csv", "tsv", "parquet"] as const;

/** One phrasing of a text-label task; placeholders are `{text}`, `{label}`, `{options}` or any record field. */
export const taskPhrasingSchema = z
  .object({
    instruction: z
      .string()
      .min(1)
      .describe("The instruction; e.g. 'Is this review positive or negative?'"),
    input: z.string().default("{text}").describe("The input shown with the instruction."),
    output: z.string().default("{label}").describe("The expected answer."),
  })
  .strict();

export const textLabelSchema = z
  .object({
    task: z
      .string()
      .default("classify")
      .describe(
        "Built-in phrasing set (classify, sentiment, topic) used when `phrasings` is absent.",
      ),
    phrasings: z
      .array(taskPhrasingSchema)
      .min(1)
      .optional()
      .describe("Own phrasings; one is chosen per record, seeded by train.seed and the record."),
    labels: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        "Label value -> words the model should answer, e.g. {'0': negative, '1': positive}.",
      ),
  })
  .strict();

export const datasetSourceSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .describe("Local file (json, jsonl, csv, tsv, parquet; optionally .gz) or s3:// object."),
    format: z.enum(datasetFormats).describe("Record layout of the file."),
    type: z
      .enum(fileTypes)
      .default("auto")
      .describe(
        "File type; auto decides from the extension (.json, .jsonl, .csv, .tsv, .parquet, + .gz).",
      ),
    fields: z
      .record(z.string(), z.string())
      .optional()
      .describe("Field name mapping, e.g. {instruction: prompt, output: answer}."),
    roles: z
      .record(z.string(), z.string())
      .optional()
      .describe("Role mapping onto system/user/assistant, e.g. {human: user, gpt: assistant}."),
    system: z.string().optional().describe("System prompt applied to every record of this file."),
    max_records: z.number().int().positive().optional().describe("Read at most this many records."),
    text_label: textLabelSchema
      .optional()
      .describe("For format text-label: how labelled rows become instructions."),
  })
  .strict();

/** A prompt template written in YAML; every piece is plain text with one placeholder. */
export const userTemplateSchema = z
  .object({
    prefix: z.string().default("").describe("Text at the very start of a record (context)."),
    system: z
      .string()
      .default("{system}\n\n")
      .describe("How a system prompt is written (context); contains {system}."),
    default_system: z
      .string()
      .default("")
      .describe("System prompt for records without one; empty writes no system block."),
    user: z
      .string()
      .describe(
        "A user turn including the assistant header that follows it (context); contains {content}.",
      ),
    assistant: z
      .string()
      .default("{content}")
      .describe("An assistant turn (trained), with its stop text; contains {content}."),
    separator: z.string().default("").describe("Context text after each assistant turn."),
  })
  .strict();

export const dataSchema = z
  .object({
    train: z.array(datasetSourceSchema).min(1).describe("Training files, concatenated in order."),
    eval: z
      .array(datasetSourceSchema)
      .optional()
      .describe("Separate evaluation files (instead of eval_split)."),
    eval_split: z
      .number()
      .min(0)
      .default(0)
      .describe("Held-out evaluation share: a ratio below 1, or a record count from 1 up."),
    template: z
      .string()
      .min(1)
      .default("alpaca")
      .describe(
        "Prompt template: alpaca, vicuna, chatml, llama3, tokenizer, or a name from data.templates.",
      ),
    templates: z
      .record(z.string(), userTemplateSchema)
      .default({})
      .describe("User-defined prompt templates, by name."),
    train_on_inputs: z
      .boolean()
      .default(false)
      .describe("Also compute the loss on prompts, not only on outputs."),
    max_seq_len: z
      .number()
      .int()
      .min(16)
      .default(2048)
      .describe("Tokens per training sequence; longer records are truncated."),
    allow_truncation: z
      .boolean()
      .default(false)
      .describe(
        "Accept more records cut at max_seq_len than max_truncated_fraction allows (a warning, not an error).",
      ),
    max_truncated_fraction: z
      .number()
      .min(0)
      .max(1)
      .default(0.05)
      .describe(
        "Largest share of records the model's tokenizer finds longer than max_seq_len, or without a trained token, before validate and run refuse the data.",
      ),
    packing: z
      .boolean()
      .default(false)
      .describe("Pack several records into one sequence (no attention across records)."),
    shuffle: z
      .boolean()
      .default(true)
      .describe("Shuffle records with the training seed before the split."),
    dedup: z.boolean().default(true).describe("Drop exact duplicate records."),
    max_records: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Keep at most this many records after filtering."),
    on_error: z.enum(["fail", "skip"]).default("fail").describe("What to do with invalid records."),
  })
  .strict()
  .describe("Instruction data: sources, format, prompt template, split.");

export type DataConfig = z.infer<typeof dataSchema>;
export type DatasetSource = z.infer<typeof datasetSourceSchema>;
export type UserTemplate = z.infer<typeof userTemplateSchema>;
export type TextLabelConfig = z.infer<typeof textLabelSchema>;
export type TaskPhrasing = z.infer<typeof taskPhrasingSchema>;
