export type { Conversation, Example, Segment, Turn } from "./example.js";
export { closestName, didYouMean } from "./closest-name.js";
export type { DatasetStats } from "./dataset-stats.js";
export {
  inspectDataFile,
  parseFormat,
  renderDataFile,
  type DataFileOptions,
  type DataFileReport,
  type DatasetFormat,
} from "./file-inspection.js";
export { renderExample, type RenderedRecord } from "./record-render.js";
export { renderEvalPrompt, type RenderedPrompt } from "./eval-prompts.js";
export { readRecords, type OpenInput } from "./readers/record-source.js";
export { builtinTemplateNames, resolveTemplate } from "./templates/template-registry.js";
export type { PromptTemplate } from "./templates/prompt-template.js";
export { builtinTaskNames } from "./formats/task-phrasings.js";
export { prepareDataset, type PrepareOptions, type PreparedDataset } from "./prepare-dataset.js";
export { stageDataset, type StagedDataset } from "./stage-dataset.js";
export { inspectExperimentData, type ExperimentDataReport } from "./inspect-experiment.js";
export type { DatasetManifest, ManifestFile } from "./dataset-manifest.js";
export type { TokenCount } from "./inspect-experiment.js";
export {
  checkRenderedTokens,
  countFile,
  countRenderedTokens,
  describeTokens,
  judgeTruncation,
  loadModelTokenizer,
  TrainerTokenizer,
  type ModelTokenizer,
  type SplitTokens,
  type TokenStats,
} from "./tokens/index.js";
export { dataTokens, dataTokensUnavailable, dataTruncationAllowed } from "./events.js";
export { seededRandom } from "./formats/record-hash.js";
