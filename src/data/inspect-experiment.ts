import type { RenderableExperiment, StorageConfig } from "../config/index.js";
import { isTunectlError, type Problem } from "../errors/index.js";
import { silentReporter } from "../report/index.js";
import type { DatasetStats } from "./dataset-stats.js";
import { scanExperiment } from "./experiment-scan.js";
import { inputAccess } from "./input-identity.js";
import {
  judgeTruncation,
  RecordEncodeError,
  TokenStatsAccumulator,
  type ModelTokenizer,
  type TokenStats,
} from "./tokens/index.js";

/** Tokens counted, or why not (the tokenizer is not readable on this machine). */
export type TokenCount =
  { counted: true; stats: TokenStats } | { counted: false; tokenizer: string; reason: string };

export interface ExperimentDataReport {
  /** Empty when the data is usable; at most 20 plus a counting line. */
  problems: Problem[];
  warnings: Problem[];
  stats?: DatasetStats;
  /** Every record (train and eval, before the split) in the model's tokens. */
  tokens?: TokenCount;
}

/** `tunectl validate`'s data check: every record read and checked, nothing written. */
export async function inspectExperimentData(
  experiment: RenderableExperiment,
  options: { storage?: StorageConfig; tokenizer?: ModelTokenizer; file?: string } = {},
): Promise<ExperimentDataReport> {
  const access = inputAccess(options.storage);
  const model = options.tokenizer;
  const counter =
    model?.kind === "ready"
      ? new TokenStatsAccumulator(model.tokenizer, {
          tokenizer: model.name,
          maxSeqLen: experiment.data.max_seq_len,
          trainOnInputs: experiment.data.train_on_inputs,
        })
      : undefined;
  let unencodable: string | undefined;
  try {
    const scan = await scanExperiment(experiment, {
      open: access.open,
      reporter: silentReporter,
      collectOnly: true,
      ...(model ? { tokenizer: model } : {}),
      ...(counter
        ? {
            onRecord: (_split, _line, rendered) => {
              if (unencodable !== undefined) return;
              try {
                counter.add(rendered);
              } catch (error) {
                if (!(error instanceof RecordEncodeError)) throw error;
                unencodable = error.message;
              }
            },
          }
        : {}),
    });
    const problems = [...scan.problems];
    const warnings = [...scan.warnings];
    if (scan.stats.records === 0)
      problems.push({ path: "data.train", message: "no usable training records" });
    let tokens: TokenCount | undefined;
    if (model?.kind === "unavailable")
      tokens = { counted: false, tokenizer: model.name, reason: model.reason };
    if (unencodable !== undefined)
      problems.push({ path: "data.template", message: `${model?.name}: ${unencodable}` });
    else if (counter && problems.length === 0) {
      const stats = counter.result();
      tokens = { counted: true, stats };
      const verdict = judgeTruncation(stats, experiment.data, options.file);
      if (verdict.kind === "refused") problems.push(verdict.problem);
      if (verdict.kind === "allowed") warnings.push(verdict.warning);
    }
    return { problems, warnings, stats: scan.stats, ...(tokens ? { tokens } : {}) };
  } catch (error) {
    if (!isTunectlError(error) || error.kind !== "user") throw error;
    const problems = error.problems.length
      ? error.problems
      : [{ path: "data", message: error.message }];
    return {
      problems: error.hint ? problems.map((p) => ({ ...p, hint: p.hint ?? error.hint })) : problems,
      warnings: [],
    };
  }
}
