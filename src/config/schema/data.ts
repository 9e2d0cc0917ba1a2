import { z } from "zod";
import { textLabelSchema } from "./text-label.js";

export const datasetFormats = [
  "alpaca",
  "sharegpt",
  "messages",
  "completion",
  "segments",
  "text-label",
] as const;

export const fileTypes = ["auto", "json", "jsonl", "csv", "tsv", "parquet"] as const;

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
    max_records: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Read at most this many records (the first ones), before any mixture."),
    weight: z
      .number()
      .positive()
      .optional()
      .describe(
        "Relative share of this source in the training set (a mixture; see data.mixture). Sources without one weigh 1 when any source has one.",
      ),
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

export const mixtureSchema = z
  .object({
    total: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Training records the mixture aims at; default as large as the weights allow."),
    allow_repeat: z
      .boolean()
      .default(false)
      .describe(
        "Let a source too small for its share repeat records (upsampling); otherwise every source is only sampled down.",
      ),
  })
  .strict();

/**
 * A source made by `tunectl data generate`'s recipes before the data is rendered: a spec file
 * (relative to the file that names it) or the spec itself inline. Its output is Alpaca JSONL,
 * content-addressed in the workspace cache (docs/generate.md "As a data source").
 */
export const generateSourceSchema = z
  .object({
    generate: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .describe(
        "A generate spec file (docs/generate.md), or the spec inline ({mode: self-instruct, endpoint: ..., seeds: ..., num_instructions: ...}); its output is read as format alpaca.",
      ),
    system: datasetSourceSchema.shape.system,
    max_records: datasetSourceSchema.shape.max_records,
    weight: datasetSourceSchema.shape.weight,
  })
  .strict();

/** A data.train or data.eval entry: a file, or data generated first. */
export const trainSourceSchema = z.union([datasetSourceSchema, generateSourceSchema]);

export const dataSchema = z
  .object({
    train: z
      .array(trainSourceSchema)
      .min(1)
      .describe("Training sources (files or generate specs), concatenated in order."),
    eval: z
      .array(trainSourceSchema)
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
    mixture: mixtureSchema
      .default({ allow_repeat: false })
      .describe("How weighted data.train sources are mixed; applies when a source sets weight."),
    on_error: z.enum(["fail", "skip"]).default("fail").describe("What to do with invalid records."),
  })
  .strict()
  .describe("Instruction data: sources, format, prompt template, split.");

export type DataConfig = z.infer<typeof dataSchema>;
/** A file source: what the data module reads. */
export type DatasetSource = z.infer<typeof datasetSourceSchema>;
export type GenerateSource = z.infer<typeof generateSourceSchema>;
export type TrainSource = DatasetSource | GenerateSource;
export type UserTemplate = z.infer<typeof userTemplateSchema>;
export type MixtureConfig = z.infer<typeof mixtureSchema>;
