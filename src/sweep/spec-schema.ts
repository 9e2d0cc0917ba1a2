import { z } from "zod";

/**
 * The `tunectl sweep SPEC.yaml` file: an experiment, a search space over its config paths,
 * a budget and the metric to optimise. docs/sweeps.md describes every key.
 */

export const searchMethods = ["grid", "random", "tpe"] as const;
export type SearchMethod = (typeof searchMethods)[number];

/** A dotted experiment config path (`train.learning_rate`); checked against the schema later. */
const configPath = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/, {
  message: "must be a dotted config path such as train.learning_rate",
});

const parameterSchema = z
  .object({
    values: z
      .array(z.unknown())
      .min(1)
      .optional()
      .describe("The values to try, each typed as the experiment schema wants it."),
    min: z.number().optional().describe("Lower bound of a range (random and tpe only)."),
    max: z.number().optional().describe("Upper bound of a range (random and tpe only)."),
    log: z.boolean().default(false).describe("Sample the range on a log scale (min must be > 0)."),
    int: z.boolean().default(false).describe("Sample whole numbers from the range."),
  })
  .strict()
  .superRefine(rangeOrValues);

export type SweepParameter = z.infer<typeof parameterSchema>;

/** A parameter is either a list of values or a range, never both or neither. */
function rangeOrValues(param: z.input<typeof parameterSchema>, ctx: z.RefinementCtx): void {
  const hasRange = param.min !== undefined || param.max !== undefined;
  if (param.values !== undefined && hasRange) {
    ctx.addIssue({ code: "custom", message: "give either values or min/max, not both" });
    return;
  }
  if (param.values === undefined && !hasRange) {
    ctx.addIssue({ code: "custom", message: "give values: [...] or a range {min, max}" });
    return;
  }
  if (!hasRange) return;
  if (param.min === undefined || param.max === undefined) {
    ctx.addIssue({ code: "custom", message: "a range needs both min and max" });
  } else if (param.min >= param.max) {
    ctx.addIssue({ code: "custom", path: ["max"], message: "max must be greater than min" });
  } else if (param.log && param.min <= 0) {
    ctx.addIssue({ code: "custom", path: ["min"], message: "a log range needs min > 0" });
  }
}

const budgetSchema = z
  .object({
    trials: z.number().int().min(1).optional().describe("Most trials the sweep starts."),
    gpu_hours: z
      .number()
      .positive()
      .optional()
      .describe("Most GPU-hours (GPUs x wall hours, summed over trials) the sweep spends."),
  })
  .strict();

const metricSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .default("eval_loss")
      .describe("Metric a trial is scored by: a key of its metrics lines (e.g. eval_loss, loss)."),
    goal: z
      .enum(["minimize", "maximize"])
      .default("minimize")
      .describe("Whether lower or higher is better."),
  })
  .strict();

const earlyStoppingSchema = z
  .object({
    method: z
      .enum(["asha", "hyperband"])
      .describe(
        "asha: Optuna's SuccessiveHalvingPruner (asynchronous successive halving); hyperband: its HyperbandPruner.",
      ),
    metric: z
      .string()
      .min(1)
      .optional()
      .describe("The metric the rungs compare; must be the sweep's metric.name (the default)."),
    min_resource: z
      .number()
      .int()
      .min(1)
      .describe("Training steps before the first rung: no trial is stopped earlier."),
    reduction_factor: z
      .number()
      .int()
      .min(2)
      .default(3)
      .describe("η: at each rung only the best 1/η of the trials that reached it go on."),
    min_early_stopping_rate: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("asha: the first rung is at min_resource × η^rate steps."),
    max_resource: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("hyperband: a trial's full length in steps (default: Optuna's auto)."),
  })
  .strict();

export type EarlyStopping = z.infer<typeof earlyStoppingSchema>;

export const sweepSpecSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
        message: "must be letters, digits, '.', '_' or '-', starting with a letter or digit",
      })
      .optional()
      .describe("Name of the sweep (default: the spec file's name without .yaml)."),
    experiment: z
      .string()
      .min(1)
      .describe("The experiment file every trial starts from, relative to this spec."),
    method: z
      .enum(searchMethods)
      .default("grid")
      .describe("grid: every combination; random or tpe: Optuna's RandomSampler or TPESampler."),
    parameters: z
      .record(configPath, parameterSchema)
      .default({})
      .describe("Config paths to vary, each with values: [...] or a range {min, max, log, int}."),
    paired: z
      .array(z.record(configPath, z.unknown()))
      .optional()
      .describe(
        "Groups of values that move together, e.g. [{train.learning_rate: 1e-4, lora.r: 8}].",
      ),
    seeds: z
      .array(z.number().int().min(0))
      .min(1)
      .optional()
      .describe("Seeds as an axis: every configuration runs once per seed (train.seed)."),
    sampler_seed: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe("Seed of the random or tpe sampler, so the same spec asks the same trials."),
    budget: budgetSchema.default({}).describe("Limits on the sweep as a whole."),
    metric: metricSchema
      .default({ name: "eval_loss", goal: "minimize" })
      .describe("What a trial is scored by."),
    early_stopping: earlyStoppingSchema
      .optional()
      .describe(
        "Stop trials early on their intermediate metric (random and tpe): Optuna's pruners.",
      ),
  })
  .strict();

export type SweepSpec = z.infer<typeof sweepSpecSchema>;
