export {
  experimentSchema,
  experimentShape,
  type Experiment,
  isFileSource,
  renderable,
  renderableOrUndefined,
  type RenderableExperiment,
} from "./experiment.js";
export {
  dataSchema,
  datasetFormats,
  datasetSourceSchema,
  generateSourceSchema,
  type DataConfig,
  type DatasetSource,
  type GenerateSource,
  type TrainSource,
  type MixtureConfig,
} from "./data.js";
export {
  optionStyles,
  textLabelSchema,
  textLabelTasks,
  type TaskPhrasing,
  type TextLabelConfig,
} from "./text-label.js";
export {
  evalPromptObjectSchema,
  evalPromptSchema,
  evalSchema,
  type EvalConfig,
  type EvalPrompt,
} from "./eval.js";
export { loraSchema, type LoraConfig } from "./lora.js";
export { modelSchema, tinyModelSchema, type ModelConfig } from "./model.js";
export { resourcesSchema, type ResourcesConfig } from "./resources.js";
export { retrySchema, type RetryConfig } from "./retry.js";
export { trackingSchema, wandbTrackingSchema, type TrackingConfig } from "./tracking.js";
export { trainFieldsSchema, trainSchema, type TrainConfig } from "./train.js";
export {
  hostSchema,
  storageSchema,
  workspaceSchema,
  type HostConfig,
  type StorageConfig,
  type WorkspaceConfig,
} from "./workspace.js";
export { safeName, envVarName } from "./names.js";
