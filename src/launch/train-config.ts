import type { Experiment } from "../config/index.js";

/** `/config/train.json` (DESIGN.md trainer contract): the resolved model, lora, train and data settings. */
export function trainJson(runId: string, experiment: Experiment): Record<string, unknown> {
  const { data } = experiment;
  return {
    run_id: runId,
    name: experiment.name,
    model: experiment.model,
    lora: experiment.lora,
    train: experiment.train,
    data: {
      template: data.template,
      max_seq_len: data.max_seq_len,
      packing: data.packing,
      train_on_inputs: data.train_on_inputs,
    },
  };
}
