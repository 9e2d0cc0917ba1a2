import { z } from "zod";

export const trainerStates = ["succeeded", "stopped", "failed"] as const;

/** `/output/status.json`, written atomically by the trainer as it exits. */
export const trainerStatusSchema = z
  .looseObject({
    state: z.enum(trainerStates).describe("How the trainer ended."),
    step: z.number().int().min(0).default(0).describe("Last optimizer step completed."),
    ts: z.number().optional().describe("Unix time of the write, in seconds."),
    attempt: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("TUNECTL_ATTEMPT of the trainer that wrote it."),
    total_steps: z.number().int().min(0).optional().describe("Steps the run was planned for."),
    checkpoint: z
      .string()
      .nullable()
      .optional()
      .describe("Path of the last checkpoint written, when any."),
    error: z.string().optional().describe("One line a person can act on, for failed."),
    code: z
      .string()
      .regex(/^trainer\.[a-z_]+$/)
      .optional()
      .describe("The failure's error code when the trainer knows it, e.g. trainer.diverged."),
    details: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .describe(
        "What the code is about, e.g. {step, what: loss|grad_norm, value: nan|inf|-inf} for trainer.diverged.",
      ),
  })
  .describe("tunectl status.json: the trainer's last word.");

export type TrainerStatus = z.infer<typeof trainerStatusSchema>;
