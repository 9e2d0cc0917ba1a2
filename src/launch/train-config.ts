import { evalPromptId, tinyModelSchema, type Experiment } from "../config/index.js";
import {
  trainJsonSchema,
  trainJsonVersion,
  type TrainJson,
  type TrainPrompt,
} from "../contract/index.js";
import { renderEvalPrompt, resolveTemplate } from "../data/index.js";

/**
 * `/config/train.json` (docs/contract.md): the resolved model, lora, train and data settings.
 * Every value is resolved here, so the trainer has no defaults of its own; the schema parse
 * turns a field this function forgot to carry into a bug caught before anything is staged.
 */
export function trainJson(runId: string, experiment: Experiment): TrainJson {
  const { data, model } = experiment;
  const tiny =
    model.base === "builtin:tiny" ? { tiny: model.tiny ?? tinyModelSchema.parse({}) } : {};
  return trainJsonSchema.parse({
    contract: trainJsonVersion,
    run_id: runId,
    name: experiment.name,
    model: { ...model, ...tiny },
    lora: experiment.lora,
    train: experiment.train,
    data: {
      template: data.template,
      max_seq_len: data.max_seq_len,
      packing: data.packing,
      train_on_inputs: data.train_on_inputs,
    },
    tracking: trainTracking(runId, experiment),
    eval: { prompts: evalPrompts(experiment) },
  });
}

/**
 * The experiment's `tracking`, resolved: W&B is on when its section says so, or, without a
 * section, when the experiment's env names a WANDB_PROJECT (the client reads the rest of the
 * WANDB_* variables itself). The W&B run is named after the tunectl run unless told otherwise.
 */
function trainTracking(runId: string, experiment: Experiment): TrainJson["tracking"] {
  const { tensorboard, wandb } = experiment.tracking;
  const on = wandb ? wandb.enabled : Boolean(experiment.env.WANDB_PROJECT);
  if (!on) return { tensorboard };
  const { enabled: _enabled, name, tags, ...rest } = wandb ?? { tags: [] };
  return { tensorboard, wandb: { ...rest, name: name ?? runId, tags } };
}

/** `eval.prompts` rendered with the run's template; undefined leaves the choice to the trainer. */
function evalPrompts(experiment: Experiment): TrainPrompt[] | undefined {
  const { prompts } = experiment.eval;
  if (prompts === undefined) return undefined;
  if (typeof prompts === "string") {
    throw new Error(`eval.prompts is still a file (${prompts}): loadExperiment reads it`);
  }
  if (prompts.length === 0) return [];
  const template = resolveTemplate(experiment.data.template, experiment.data.templates);
  return prompts.map((prompt, index) => ({
    id: evalPromptId(prompt, index),
    record: renderEvalPrompt(prompt, template),
  }));
}
