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
/** An eval prompt rendered like a training record's context: what comes before the answer. */
export const trainPromptSchema = z
  .object({
    id: z.string().min(1).describe("The prompt's id in generations.jsonl."),
    record: z
      .union([
        z
          .object({
            segments: z
              .array(
                z
                  .object({ text: z.string(), train: z.literal(false) })
                  .strict()
                  .describe("Context text."),
              )
              .min(1),
          })
          .strict()
          .describe("data.template applied: the context segments a record would start with."),
        z
          .object({
            messages: z
              .array(
                z
                  .object({ role: z.enum(["system", "user"]), content: z.string() })
                  .strict()
                  .describe("A message before the answer."),
              )
              .min(1),
          })
          .strict()
          .describe("template: tokenizer: the messages; the trainer adds the generation prompt."),
      ])
      .describe("The rendered prompt."),
  })
  .strict();

/** Generations while training (experiment `eval`). */
export const trainEvalSchema = z
  .object({
    prompts: z
      .array(trainPromptSchema)
      .optional()
      .describe(
        "Prompts answered at step 0 and every eval; absent: the context of the first eval records.",
      ),
  })
  .strict()
  .describe("What the trainer generates from while training.");

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
    eval: trainEvalSchema.optional(),
  })
  .strict()
  .describe("tunectl train.json: what the trainer is told to do.");

export type TrainJson = z.infer<typeof trainJsonSchema>;
export type TrainPrompt = z.infer<typeof trainPromptSchema>;
