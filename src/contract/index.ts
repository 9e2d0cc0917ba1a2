export {
  trainDataSchema,
  trainEvalSchema,
  trainJsonSchema,
  trainPromptSchema,
  trainJsonVersion,
  type TrainJson,
  type TrainPrompt,
} from "./train-json.js";
export { trainerStatusSchema, trainerStates, type TrainerStatus } from "./trainer-status.js";
export { metricLineSchema, type MetricLine } from "./metric-line.js";
export { generationLineSchema, type GenerationLine } from "./generation-line.js";
export { evalAnswerSchema, evalResultSchema, type EvalResult } from "./eval-result.js";
export {
  checkpointManifestFormat,
  checkpointManifestSchema,
  manifestFileSchema,
  type CheckpointManifest,
  type ManifestFile,
} from "./checkpoint-manifest.js";
export {
  checkDocument,
  describeIssues,
  parseDocument,
  type DocumentCheck,
  type DocumentOrigin,
} from "./documents.js";
export {
  parseGenerationLines,
  parseJsonLines,
  parseMetricLines,
  type JsonLines,
  type MetricLines,
} from "./json-lines.js";
export { contractJsonSchemas, contractSchemaDir } from "./json-schema.js";
