import { z } from "zod";
import { dataSchema, type DataConfig, type DatasetSource, type TrainSource } from "./data.js";
import { evalSchema } from "./eval.js";
import { loraSchema } from "./lora.js";
import { modelSchema } from "./model.js";
import { envVarName, safeName } from "./names.js";
import { resourcesSchema } from "./resources.js";
import { retrySchema } from "./retry.js";
import { trackingSchema } from "./tracking.js";
import { trainSchema } from "./train.js";
import { crossFieldRules } from "./rules.js";

export const experimentShape = z
  .object({
    $schema: z.string().optional().describe("Editor hint; ignored."),
    name: safeName.describe("Experiment name; run ids start with it."),
    description: z.string().optional().describe("Free text shown in ps and compare."),
    extends: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe("Base experiment file(s), relative to this file; merged under this one."),
    model: modelSchema.default({ base: "builtin:tiny", dtype: "auto", trust_remote_code: false }),
    lora: loraSchema.default({
      r: 16,
      alpha: 32,
      dropout: 0.05,
      target_modules: ["q_proj", "k_proj", "v_proj", "o_proj"],
      bias: "none",
    }),
    data: dataSchema,
    train: trainSchema.default({
      epochs: 3,
      micro_batch_size: 4,
      gradient_accumulation_steps: 4,
      learning_rate: 2e-4,
      lr_scheduler: "cosine",
      weight_decay: 0,
      max_grad_norm: 1,
      save_steps: 100,
      save_total_limit: 3,
      logging_steps: 1,
      seed: 42,
      gradient_checkpointing: false,
    }),
    eval: evalSchema
      .default({})
      .describe("Generations while training: which prompts the trainer answers."),
    resources: resourcesSchema.default({
      gpus: 1,
      nodes: 1,
      image: "tunectl-trainer:cuda",
      shm_size: "8g",
      min_disk_gb: 1,
    }),
    env: z
      .record(envVarName, z.string())
      .default({})
      .describe("Environment variables for the trainer (not secret: they are recorded)."),
    secrets: z
      .array(envVarName)
      .default([])
      .describe("Names of variables read from the local environment at launch; never recorded."),
    retry: retrySchema.default({
      max_restarts: 0,
      on: ["lost", "failed"],
      lost_after_s: 600,
      backoff: { initial_s: 10, factor: 2, max_s: 300 },
    }),
    tracking: trackingSchema.default({ tensorboard: false }),
  })
  .strict();

/** The experiment file, with the cross-field rules of rules.ts applied. */
export const experimentSchema = experimentShape
  .superRefine(crossFieldRules)
  .describe("A tunectl experiment.");

export type Experiment = z.infer<typeof experimentSchema>;

/**
 * An experiment whose data sources are all files: what the data module renders. A `generate:`
 * source becomes its output file first (src/generate/experiment-sources.ts), so data cannot be
 * rendered from an experiment whose generated data does not exist yet.
 */
export type RenderableExperiment = Omit<Experiment, "data"> & {
  data: Omit<DataConfig, "train" | "eval"> & { train: DatasetSource[]; eval?: DatasetSource[] };
};

export function isFileSource(source: TrainSource): source is DatasetSource {
  return !("generate" in source);
}

/** The experiment as renderable when no source is a `generate:` one (else undefined). */
export function renderableOrUndefined(experiment: Experiment): RenderableExperiment | undefined {
  const { train, eval: evalSources } = experiment.data;
  if (!train.every(isFileSource) || !(evalSources ?? []).every(isFileSource)) return undefined;
  return experiment as RenderableExperiment;
}

/** For experiments known to have only file sources (tests, fixtures): a bug otherwise. */
export function renderable(experiment: Experiment): RenderableExperiment {
  const out = renderableOrUndefined(experiment);
  if (!out) throw new Error("a generate: source must be generated before its data is rendered");
  return out;
}
