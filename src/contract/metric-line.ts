import { z } from "zod";

const measured = (what: string) => z.number().optional().describe(what);
const count = (what: string) => z.number().int().min(0).optional().describe(what);

/**
 * One line of `/output/metrics.jsonl`. Each line names the attempt that wrote it, so a resumed
 * run's raw file (which repeats the steps after its checkpoint) is unambiguous. Unknown extra
 * numbers are kept: compare can plot any metric a trainer adds.
 */
export const metricLineSchema = z
  .looseObject({
    ts: z
      .union([z.number(), z.string()])
      .describe("When the line was written: Unix seconds (or an ISO time)."),
    step: z.number().int().min(0).describe("Optimizer step the line describes."),
    attempt: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe(
        "TUNECTL_ATTEMPT of the trainer that wrote it; the trainer always writes it (lines recorded before it did read as 1).",
      ),
    kind: z
      .enum(["train", "eval", "summary", "data"])
      .describe(
        "What the line reports; `data`: a split as the trainer read it, once per attempt before step 1.",
      ),
    total_steps: z.number().int().min(0).optional().describe("Steps the run is planned for."),
    epoch: measured("Epochs done, fractional."),
    loss: measured("Training loss of the step (eval loss on eval lines)."),
    lr: measured("Learning rate used for the step."),
    grad_norm: measured("Gradient norm before clipping."),
    tokens: measured(
      "Tokens trained on so far in the run (data lines: the split's tokens after truncation).",
    ),
    tokens_per_s: measured("Throughput since the previous line."),
    eval_loss: measured("Loss on the evaluation split."),
    split: z.enum(["train", "eval"]).optional().describe("Data lines: the split, train or eval."),
    records: count("Data lines: records in the split's file."),
    truncated: count("Data lines: records cut at max_seq_len."),
    dropped: count("Data lines: records left without a trained token, not trained on."),
    max_seq_len: count("Data lines: data.max_seq_len the records were cut at."),
  })
  .describe("tunectl metrics.jsonl line.");

export type MetricLine = z.infer<typeof metricLineSchema>;
