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
/** For other YAML inputs (the generate spec) that report problems at file:line:col the same way. */
export { parseYamlSource } from "./source/yaml-source.js";
export { locate, toPlain, type ConfigNode } from "./source/config-node.js";
export { problemsFromIssues } from "./source/zod-problems.js";
export { displayPath } from "./source/display-path.js";
export { readSpecText } from "./source/spec-text.js";
export { evalPromptId } from "./source/eval-prompts-file.js";
