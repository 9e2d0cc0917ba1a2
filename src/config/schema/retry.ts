import { z } from "zod";

export const retrySchema = z
  .object({
    max_restarts: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("Automatic resumes allowed for one run."),
    on: z
      .array(z.enum(["failed", "lost", "stopped"]))
      .default(["lost", "failed"])
      .describe("Final states that trigger an automatic resume."),
    lost_after_s: z
      .number()
      .min(1)
      .default(600)
      .describe(
        "A host unreachable this long makes its run lost (and retried elsewhere when `on` has lost).",
      ),
    backoff: z
      .object({
        initial_s: z.number().min(0).default(10).describe("Wait before the first retry."),
        factor: z.number().min(1).default(2).describe("Multiplier per retry."),
        max_s: z.number().min(0).default(300).describe("Longest wait."),
      })
      .strict()
      .default({ initial_s: 10, factor: 2, max_s: 300 }),
  })
  .strict()
  .describe("Automatic recovery while tunectl supervises the run.");

export type RetryConfig = z.infer<typeof retrySchema>;
