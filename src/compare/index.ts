export { compareRuns, type CompareOptions } from "./compare-runs.js";
export { summarizeRun, summarize, type SummaryOptions } from "./run-summary.js";
export { renderSummary, summaryRows } from "./render-summary.js";
export { renderComparison, type TerminalReportOptions } from "./terminal-report.js";
export { renderHtmlReport, type HtmlReportOptions } from "./html-report.js";
export { diffConfigs, type ConfiguredRun } from "./config-diff.js";
export { metricSeries, smoothEma } from "./series.js";
export type {
  Align,
  CheckpointSummary,
  ComparisonReport,
  DiffRow,
  RunIdentity,
  RunSeries,
  RunSummary,
  SeriesPoint,
} from "./comparison-report.js";
export type { EvalComparison, EvalPromptAnswers, EvalRow } from "./eval-comparison.js";
export {
  promptGenerations,
  readRunGenerations,
  type PromptGenerations,
} from "./run-generations.js";
