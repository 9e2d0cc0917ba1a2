import { z } from "zod";

export const datasetFormats = [
  "alpaca",
  "sharegpt",
  "messages",
  "completion",
  "segments",
  "text-label",
] as const;

export const datasetSourceSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .describe("Local file (json, jsonl, csv, tsv, parquet; optionally .gz) or s3:// object."),
    format: z.enum(datasetFormats).describe("Record layout of the file."),
    fields: z
      .record(z.string(), z.string())
      .optional()
      .describe("Field name mapping, e.g. {instruction: prompt, output: answer}."),
    roles: z
      .record(z.string(), z.string())
      .optional()
      .describe("sharegpt role mapping, e.g. {human: user, gpt: assistant}."),
    system: z.string().optional().describe("System prompt applied to every record of this file."),
    max_records: z.number().int().positive().optional().describe("Read at most this many records."),
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
      .describe("Prompt template: alpaca, vicuna, chatml, llama3, tokenizer, or a user template."),
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
