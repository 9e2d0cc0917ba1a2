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
    eval: { prompts: evalPrompts(experiment) },
  });
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
