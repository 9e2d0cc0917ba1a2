import { z } from "zod";

const said = z.enum(["A", "B", "tie", "unreadable"]);

/**
 * `.tunectl/runs/<id>/evals/step-<N>.judge-<against>.json` (written atomically): a checkpoint's
 * answers judged pairwise against a reference's (`base`: the run's step 0; else another run's
 * checkpoint), each prompt in both orders.
 */
export const judgeRecordSchema = z
  .object({
    schema: z.literal(1).describe("Version of this document."),
    run: z.string().describe("Run id of the judged checkpoint."),
    step: z.number().int().min(0).describe("Its step."),
    against: z
      .object({
        label: z.string().describe("base, or <run-id>@<step>."),
        run: z.string().describe("Run id of the reference answers."),
        step: z
          .number()
          .int()
          .min(0)
          .describe("Step of the reference answers (0: the base model)."),
      })
      .strict(),
    judge: z
      .object({ base_url: z.string(), model: z.string() })
      .strict()
      .describe("The judging LLM."),
    key: z
      .string()
      .describe(
        "sha256 of the judge, its settings and both sets of answers: a rerun with the same key reuses this.",
      ),
    judged_at: z.string().describe("ISO time the judging finished."),
    verdicts: z
      .array(
        z
          .object({
            prompt_id: z.string(),
            verdict: z
              .enum(["win", "loss", "tie"])
              .describe("The judged checkpoint's result on this prompt."),
            orders: z.array(z.object({ candidate_as: z.enum(["A", "B"]), said }).strict()),
            consistent: z.boolean().describe("Both orders agreed."),
          })
          .strict(),
      )
      .describe("One per prompt both sides answered."),
    wins: z.number().int().min(0),
    losses: z.number().int().min(0),
    ties: z.number().int().min(0),
    win_rate: z.number().min(0).max(1).describe("(wins + ties / 2) / prompts."),
    usage: z
      .object({
        requests: z.number().int().min(0),
        input_tokens: z.number().int().min(0),
        output_tokens: z.number().int().min(0),
      })
      .strict(),
    cost_usd: z.number().min(0).describe("From the spec's pricing."),
  })
  .strict();

export type JudgeRecord = z.infer<typeof judgeRecordSchema>;
