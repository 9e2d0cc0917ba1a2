import type { Experiment, StorageConfig } from "../config/index.js";
import { isTunectlError, type Problem } from "../errors/index.js";
import { silentReporter } from "../report/index.js";
import type { DatasetStats } from "./dataset-stats.js";
import { scanExperiment } from "./experiment-scan.js";
import { inputAccess } from "./input-identity.js";

export interface ExperimentDataReport {
  /** Empty when the data is usable; at most 20 plus a counting line. */
  problems: Problem[];
  warnings: Problem[];
  stats?: DatasetStats;
}

/** `tunectl validate`'s data check: every record read and checked, nothing written. */
export async function inspectExperimentData(
  experiment: Experiment,
  options: { storage?: StorageConfig } = {},
): Promise<ExperimentDataReport> {
  const access = inputAccess(options.storage);
  try {
    const scan = await scanExperiment(experiment, {
      open: access.open,
      reporter: silentReporter,
      collectOnly: true,
    });
    const problems = [...scan.problems];
    if (scan.stats.records === 0)
      problems.push({ path: "data.train", message: "no usable training records" });
    return { problems, warnings: scan.warnings, stats: scan.stats };
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
