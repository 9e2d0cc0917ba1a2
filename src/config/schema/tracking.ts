import { z } from "zod";

/** W&B's own limit on a tag: longer ones are refused by its server. */
const wandbTag = z.string().min(1).max(64).describe("A W&B tag (1 to 64 characters).");

export const wandbTrackingSchema = z
  .object({
    enabled: z
      .boolean()
      .default(true)
      .describe("Log to W&B; false keeps the section but turns it off (e.g. with --set)."),
    project: z
      .string()
      .min(1)
      .optional()
      .describe("W&B project; default: WANDB_PROJECT from env, else W&B's own default."),
    entity: z
      .string()
      .min(1)
      .optional()
      .describe("W&B entity (user or team); default: WANDB_ENTITY from env, else your default."),
    name: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .describe("Display name of the W&B run; default: the tunectl run id."),
    tags: z.array(wandbTag).default([]).describe("Tags on the W&B run."),
    mode: z
      .enum(["online", "offline", "disabled"])
      .optional()
      .describe(
        "W&B mode; default: WANDB_MODE from env, else online. offline writes the run under the output's wandb/ for `wandb sync`.",
      ),
  })
  .strict()
  .describe(
    "Log metrics through the wandb client in the trainer. WANDB_API_KEY goes in `secrets`, never in `env`.",
  );

export const trackingSchema = z
  .object({
    tensorboard: z
      .boolean()
      .default(false)
      .describe(
        "Write TensorBoard event files to the run's output tensorboard/ (copied home to .tunectl/runs/<id>/tensorboard/).",
      ),
    wandb: wandbTrackingSchema.optional(),
  })
  .strict()
  .describe(
    "Where the trainer also logs its metrics: TensorBoard event files, W&B. Without `wandb`, a WANDB_PROJECT in `env` turns W&B on.",
  );

export type TrackingConfig = z.infer<typeof trackingSchema>;
