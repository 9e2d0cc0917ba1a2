import { z } from "zod";
import { evalAnswerSchema } from "../contract/index.js";

/**
 * `.tunectl/runs/<id>/evals/step-<N>.json` (written atomically): one checkpoint's eval. Step 0
 * is the base model (no adapter). `key` says what was evaluated: a rerun with the same key
 * reuses the record unless --force.
 */
export const evalRecordSchema = z
  .object({
    schema: z.literal(1).describe("Version of this document."),
    run: z.string().describe("Run id."),
    step: z.number().int().min(0).describe("Checkpoint step; 0 is the base model."),
    key: z
      .string()
      .describe(
        "sha256 of what the result depends on: the checkpoint's manifest, train.json, the trainer.",
      ),
    evaluated_at: z.string().describe("ISO time the evaluation finished."),
    host: z.string().describe("Where the trainer's evaluate ran."),
    runtime_s: z.number().min(0).nullable().describe("Seconds the trainer's evaluate took."),
    eval_loss: z
      .number()
      .nullable()
      .describe(
        "Mean cross-entropy over the eval split's learned tokens, as training's eval computes it; null without an eval split.",
      ),
    token_accuracy: z
      .number()
      .min(0)
      .max(1)
      .nullable()
      .describe(
        "Share of the eval split's learned tokens whose argmax logit is the label; null without an eval split.",
      ),
    eval_tokens: z
      .number()
      .int()
      .min(0)
      .describe("Learned tokens the eval split has (0 without one)."),
    eval_records: z.number().int().min(0).describe("Records in the eval split (0 without one)."),
    answers: z
      .array(evalAnswerSchema)
      .describe("The eval prompts answered greedily, in prompt order."),
  })
  .strict();

export type EvalRecord = z.infer<typeof evalRecordSchema>;
