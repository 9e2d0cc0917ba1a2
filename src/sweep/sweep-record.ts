import { z } from "zod";

/** `.tunectl/sweeps/<sweep-id>/sweep.json`: what the sweep is and the trials it has so far. */

const trialEntrySchema = z
  .object({
    id: z.string().describe("The trial id: hash of its resolved config."),
    params: z.record(z.string(), z.unknown()).describe("The spec's settings for this trial."),
    optuna_trial: z
      .number()
      .int()
      .optional()
      .describe("The Optuna trial number that asked for it (random, tpe)."),
    outcome: z
      .enum(["pruned"])
      .optional()
      .describe("pruned: early stopping stopped its run (cancelled, checkpoint kept)."),
  })
  .strict();

export const sweepRecordSchema = z
  .object({
    schema: z.literal(1).describe("Version of this file's layout."),
    id: z.string().describe("`<name>-<8 hex>`."),
    name: z.string().describe("The sweep's name."),
    spec_file: z.string().describe("Absolute path of the spec."),
    experiment_file: z.string().describe("Absolute path of the experiment."),
    method: z.enum(["grid", "random", "tpe"]).describe("The search method."),
    metric: z
      .object({ name: z.string(), goal: z.enum(["minimize", "maximize"]) })
      .describe("What trials are scored by."),
    budget: z
      .object({ trials: z.number().optional(), gpu_hours: z.number().optional() })
      .describe("The spec's budget as last registered."),
    created_at: z.string().describe("When the sweep was first registered."),
    updated_at: z.string().describe("When this file was last written."),
    trials: z.array(trialEntrySchema).describe("Every trial so far, in the order it was planned."),
    state: z
      .enum(["cancelled"])
      .optional()
      .describe("cancelled: tunectl sweep cancel ended it; nothing new starts until sweep resume."),
  })
  .strict();

export type SweepRecord = z.infer<typeof sweepRecordSchema>;
export type SweepTrialEntry = z.infer<typeof trialEntrySchema>;
