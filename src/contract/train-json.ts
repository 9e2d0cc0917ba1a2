import { z } from "zod";
import { dataSchema, loraSchema, modelSchema, trainFieldsSchema } from "../config/index.js";

/** Bumped when a field changes meaning; the trainer refuses a version it does not know. */
export const trainJsonVersion = 1;

/** The data settings the trainer needs; sources, split and templates are applied before staging. */
export const trainDataSchema = dataSchema
  .pick({ template: true, max_seq_len: true, packing: true, train_on_inputs: true })
  .strict()
  .describe("How the trainer reads the rendered records in /data.");

/** Where the trainer also logs its metrics (the experiment's `tracking`, resolved). */
export const trainTrackingSchema = z
  .object({
    tensorboard: z.boolean().describe("Write TensorBoard event files to /output/tensorboard/."),
    wandb: z
      .object({
        project: z.string().min(1).optional().describe("W&B project; absent: WANDB_PROJECT."),
        entity: z.string().min(1).optional().describe("W&B entity; absent: WANDB_ENTITY."),
        name: z.string().min(1).describe("Display name of the W&B run."),
        tags: z.array(z.string().min(1)).describe("Tags on the W&B run."),
        mode: z
          .enum(["online", "offline", "disabled"])
          .optional()
          .describe("W&B mode; absent: WANDB_MODE, else online. WANDB_MODE set wins."),
      })
      .strict()
      .optional()
      .describe("Log through the wandb client; absent: no W&B."),
  })
  .strict()
  .describe("Trackers the trainer logs every metric line to.");

/**
 * `/config/train.json`: the resolved model, lora, train and data settings of one run. Every
 * value is resolved by the orchestrator (defaults applied), so the trainer has no defaults of
 * its own; its JSON Schema (scripts/trainer/trainer/schemas/train.schema.json) requires them.
 */
export const trainJsonSchema = z
  .object({
    contract: z
      .literal(trainJsonVersion)
      .default(trainJsonVersion)
      .describe("Version of this document's layout."),
    run_id: z.string().min(1).describe("The run this configuration belongs to."),
    name: z.string().min(1).describe("The experiment name."),
    model: modelSchema.describe("The base model to adapt."),
    lora: loraSchema.describe("LoRA adapter settings (PEFT LoraConfig)."),
    train: trainFieldsSchema.describe("Optimisation settings."),
    data: trainDataSchema,
    tracking: trainTrackingSchema,
  })
  .strict()
  .describe("tunectl train.json: what the trainer is told to do.");

export type TrainJson = z.infer<typeof trainJsonSchema>;
