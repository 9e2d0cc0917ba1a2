export * from "./schema/index.js";
export {
  invalidConfig,
  loadExperiment,
  validateExperiment,
  type LoadOptions,
  type LoadedExperiment,
  type ValidationResult,
} from "./experiment.js";
export {
  findWorkspace,
  loadWorkspace,
  workspaceFileName,
  type Workspace,
  type WorkspaceOptions,
} from "./workspace.js";
export { experimentJsonSchema } from "./json-schema.js";
export { flattenConfig } from "./flatten.js";
export { evalPromptId } from "./source/eval-prompts-file.js";
