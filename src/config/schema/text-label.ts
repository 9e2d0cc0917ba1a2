import { z } from "zod";

/** One template of a text-label task; placeholders are `{text}`, `{label}`, `{options}` or any record field. */
export const taskPhrasingSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_.:/-]+$/)
      .optional()
      .describe(
        "Stable id stored on every record rendered with this template (meta.template); default own/<index>.",
      ),
    instruction: z
      .string()
      .min(1)
      .describe("The instruction; e.g. 'Is this review positive or negative?'"),
    input: z.string().default("{text}").describe("The input shown with the instruction."),
    output: z.string().default("{label}").describe("The expected answer."),
    inverted: z
      .boolean()
      .default(false)
      .describe(
        "An inverted template (given the label, produce the text): no options block is added.",
      ),
  })
  .strict();

export const optionStyles = ["flan", "inline", "none"] as const;

export const optionsSchema = z
  .object({
    style: z
      .enum(optionStyles)
      .default("flan")
      .describe(
        "flan: '\\n\\nOPTIONS:\\n- a\\n- b' after the input; inline: ' OPTIONS: a, b' after the instruction; none: no options.",
      ),
    prefix: z.string().default("OPTIONS:").describe("The line that opens the options block."),
    marker: z.string().default("- ").describe("Written before each option (style flan)."),
  })
  .strict();

export const fewShotSchema = z
  .object({
    k: z
      .number()
      .int()
      .min(1)
      .max(64)
      .describe(
        "Exemplars before a few-shot record, from the same source, pruned from the end to fit data.max_seq_len.",
      ),
    separator: z.string().default("\n\n").describe("Text between exemplars and before the record."),
  })
  .strict();

const share = z.number().min(0).max(1);

export const mixSchema = z
  .object({
    zero_shot: share
      .optional()
      .describe("Share of records without exemplars; with few_shot, the two must sum to 1."),
    few_shot: share
      .optional()
      .describe("Share of records with few_shot.k exemplars; default 1 with few_shot, else 0."),
    options: share
      .optional()
      .describe("Share of records with the options block; default 1 when options are shown."),
  })
  .strict();

/** The built-in template sets (src/data/formats/task-phrasings.ts). */
export const textLabelTasks = ["classify", "sentiment", "topic"] as const;

export const textLabelSchema = z
  .object({
    task: z
      .enum(textLabelTasks)
      .default("classify")
      .describe(
        "Built-in template set (classify, sentiment, topic) used when `phrasings` is absent.",
      ),
    phrasings: z
      .array(taskPhrasingSchema)
      .min(1)
      .optional()
      .describe("Own templates; one is chosen per record, seeded by train.seed and the record."),
    inverted: z
      .boolean()
      .default(true)
      .describe("Use the built-in set's inverted templates (label -> text) too."),
    labels: z
      .record(z.string(), z.string())
      .optional()
      .describe(
        "Label value -> words the model should answer, e.g. {'0': negative, '1': positive}.",
      ),
    options: optionsSchema
      .optional()
      .describe(
        "The answer options shown with the input; default style flan when labels is set, none otherwise.",
      ),
    few_shot: fewShotSchema.optional().describe("Few-shot records: exemplars before the record."),
    mix: mixSchema
      .default({})
      .describe("Shares of zero-/few-shot and options/no-options records, per record by seed."),
  })
  .strict();

export type TextLabelConfig = z.infer<typeof textLabelSchema>;
export type TaskPhrasing = z.infer<typeof taskPhrasingSchema>;
