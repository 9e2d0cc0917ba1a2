import { z } from "zod";

/** The optimisation fields as written (and as train.json carries them, resolved). */
export const trainFieldsSchema = z
  .object({
    epochs: z
      .number()
      .int({ message: "must be a whole number of epochs; for part of one, set train.max_steps" })
      .positive()
      .optional()
      .describe(
        "Passes over the training data, a whole number (or set max_steps); 3 when neither is set, as in transformers' Trainer.",
      ),
    max_steps: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Optimizer steps to run (or set epochs)."),
    micro_batch_size: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe("Sequences per forward pass."),
    gradient_accumulation_steps: z
      .number()
      .int()
      .positive()
      .default(4)
      .describe("Micro-batches per optimizer step."),
    learning_rate: z.number().positive().default(2e-4).describe("Peak learning rate."),
    lr_scheduler: z
      .enum(["constant", "linear", "cosine"])
      .default("cosine")
      .describe("Learning-rate schedule after warmup."),
    warmup_ratio: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe("Warmup as a share of total steps (or set warmup_steps)."),
    warmup_steps: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("Warmup in optimizer steps (or set warmup_ratio)."),
    weight_decay: z.number().min(0).default(0).describe("AdamW weight decay."),
    max_grad_norm: z.number().positive().default(1).describe("Gradient clipping norm."),
    save_steps: z
      .number()
      .int()
      .positive()
      .default(100)
      .describe("Checkpoint every N optimizer steps (and at the end)."),
    eval_steps: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Evaluate every N steps (needs eval data)."),
    save_total_limit: z
      .number()
      .int()
      .positive()
      .default(3)
      .describe("Checkpoints kept: the newest N plus the best by eval loss."),
    logging_steps: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe("Write a metrics line every N steps."),
    seed: z
      .number()
      .int()
      .min(0)
      .default(42)
      .describe("Seed for data order, initialisation and dropout."),
    gradient_checkpointing: z
      .boolean()
      .default(false)
      .describe("Trade compute for memory (hf backend)."),
  })
  .strict()
  .describe("Optimisation settings.");

/** The experiment's `train`: the fields, with a length when none is given. */
export const trainSchema = trainFieldsSchema
  .transform(defaultLength)
  .describe("Optimisation settings.");

export type TrainConfig = z.infer<typeof trainSchema>;

/** Epochs when no length is given: transformers' Trainer trains 3 (`num_train_epochs`). */
export const defaultEpochs = 3;

function defaultLength<T extends { epochs?: number; max_steps?: number }>(train: T): T {
  return train.epochs === undefined && train.max_steps === undefined
    ? { ...train, epochs: defaultEpochs }
    : train;
}
