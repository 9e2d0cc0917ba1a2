import { z } from "zod";

/** One eval prompt answered greedily by a checkpoint. */
export const evalAnswerSchema = z
  .object({
    prompt_id: z
      .string()
      .min(1)
      .describe("Stable id of the prompt (eval.prompts[].id, or eval-<n>)."),
    prompt: z.string().describe("The prompt as the model saw it (template applied)."),
    output: z.string().describe("The greedy answer."),
  })
  .strict();

/** What `python -m trainer evaluate --out FILE` writes (scripts/trainer/trainer/evaluate.py). */
export const evalResultSchema = z
  .object({
    format: z.literal(1).describe("Version of this document."),
    step: z
      .number()
      .int()
      .min(0)
      .describe("The checkpoint's step; 0 is the base model (no adapter)."),
    checkpoint: z
      .string()
      .nullable()
      .describe("The checkpoint directory evaluated; null for the base model."),
    eval: z
      .object({
        eval_loss: z
          .number()
          .nullable()
          .describe(
            "Mean cross-entropy over the learned tokens, as training's eval computes it (null if not finite).",
          ),
        token_accuracy: z
          .number()
          .min(0)
          .max(1)
          .describe("Share of the learned tokens whose argmax logit is the label."),
        tokens: z.number().int().min(0).describe("Learned tokens of the eval split."),
        records: z.number().int().min(0).describe("Records of eval.jsonl."),
      })
      .strict()
      .nullable()
      .describe("null without an eval split."),
    answers: z.array(evalAnswerSchema).describe("The eval prompts answered greedily, in order."),
    runtime_s: z.number().min(0).describe("Seconds the evaluation took."),
  })
  .strict()
  .describe("tunectl trainer evaluate result.");

export type EvalResult = z.infer<typeof evalResultSchema>;
