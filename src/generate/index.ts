export { loadGenerateSpec, type LoadedSpec } from "./load-spec.js";
export {
  estimatePending,
  generateSources,
  planGeneratedSources,
  withOutputs,
  type GeneratedSource,
  type GeneratedSourcePlan,
} from "./experiment-sources.js";
export { generateSourcePending } from "./events.js";
export { readSeedTasks, type SeedTask } from "./seed-tasks.js";
export {
  generateData,
  histogramText,
  type GenerateDeps,
  type GenerateResult,
  type OutputManifest,
} from "./generate-data.js";
export { estimateGeneration, type GenerationEstimate } from "./generation-estimate.js";
export {
  openAiEndpoint,
  type ChatEndpoint,
  type ChatRequest,
  type Completion,
} from "./chat-endpoint.js";
export type { GenerateSpec, GenerateMode } from "./spec-schema.js";
export { endpointSchema, pricingSchema } from "./spec-schema.js";
