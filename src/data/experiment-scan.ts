import { createHash } from "node:crypto";
import type { RenderableExperiment } from "../config/index.js";
import { UserError, type Problem } from "../errors/index.js";
import { type Reporter } from "../report/index.js";
import type { DatasetManifest } from "./dataset-manifest.js";
import { StatsAccumulator, type DatasetStats } from "./dataset-stats.js";
import { ProblemCollector } from "./problem-collector.js";
import type { RenderedRecord } from "./record-render.js";
import type { OpenInput } from "./readers/record-source.js";
import { scanSource } from "./source-scan.js";
import { resolveTemplate } from "./templates/template-registry.js";
import type { ModelTokenizer } from "./tokens/index.js";
import { dataSkipped, dataSource, dataWarnings } from "./events.js";

export interface ExperimentScan {
  sources: DatasetManifest["sources"];
  duplicates: number;
  invalid: number;
  stats: DatasetStats;
  problems: Problem[];
  warnings: Problem[];
}

export interface ExperimentScanOptions {
  open?: OpenInput;
  reporter: Reporter;
  /** `source` is the record's index in data.train (or data.eval). */
  onRecord?: (
    split: "train" | "eval",
    line: string,
    rendered: RenderedRecord,
    source: number,
  ) => void;
  /** The model's tokenizer: text-label few_shot prunes exemplars in its tokens. */
  tokenizer?: ModelTokenizer;
  /** Return problems instead of throwing (validate); staging always throws. */
  collectOnly?: boolean;
}

/**
 * Every source of an experiment read, checked and rendered once. Exact duplicates are dropped
 * (train first, so an eval record equal to a train record never leaks into eval). Invalid
 * records fail the scan unless `on_error: skip`.
 */
export async function scanExperiment(
  experiment: RenderableExperiment,
  options: ExperimentScanOptions,
): Promise<ExperimentScan> {
  const { data } = experiment;
  const template = resolveTemplate(data.template, data.templates);
  const problems = new ProblemCollector();
  const stats = new StatsAccumulator();
  const seen = new Set<string>();
  const sources: ExperimentScan["sources"] = [];
  const splits: Array<["train" | "eval", typeof data.train]> = [
    ["train", data.train],
    ["eval", data.eval ?? []],
  ];
  const model = options.tokenizer;
  const tokens =
    model?.kind === "ready"
      ? {
          tokenizer: model.tokenizer,
          name: model.name,
          maxSeqLen: data.max_seq_len,
          trainOnInputs: data.train_on_inputs,
        }
      : undefined;
  for (const [split, list] of splits) {
    for (const [index, source] of list.entries()) {
      const counts = await scanSource(
        source,
        {
          seed: experiment.train.seed,
          template,
          problems,
          ...(options.open ? { open: options.open } : {}),
          ...(tokens ? { tokens } : {}),
          configPath: `data.${split}.${index}`,
          ...(model?.kind === "unavailable" ? { tokensUnavailable: model.reason } : {}),
        },
        (record) => {
          if (data.dedup) {
            const key = createHash("sha1").update(record.line).digest("base64").slice(0, 16);
            if (seen.has(key)) {
              stats.duplicates += 1;
              return;
            }
            seen.add(key);
          }
          stats.add(record.example, record.rendered);
          options.onRecord?.(split, record.line, record.rendered, index);
        },
      );
      sources.push({ path: source.path, format: source.format, split, ...counts });
      dataSource.emit(
        options.reporter,
        `${source.path}: ${counts.records} records, ${counts.invalid} invalid`,
        { path: source.path, ...counts },
      );
    }
  }
  stats.invalid = problems.invalidRecords;
  const result = {
    sources,
    duplicates: stats.duplicates,
    invalid: problems.invalidRecords,
    stats: stats.result(),
    problems: problems.problems(),
    warnings: problems.warnings(),
  };
  if (options.collectOnly) return result;
  if (problems.invalidRecords > 0) {
    if (data.on_error === "fail") throw problems.error("the experiment's data");
    dataSkipped.emit(
      options.reporter,
      `skipped ${problems.invalidRecords} invalid records (data.on_error: skip)`,
      { invalid: problems.invalidRecords },
    );
  }
  if (problems.warningCount > 0) {
    dataWarnings.emit(
      options.reporter,
      `${problems.warningCount} records kept with warnings (e.g. ${describeFirst(problems.warnings())})`,
      { warnings: problems.warningCount },
    );
  }
  if (result.stats.records === 0 || !sources.some((s) => s.split === "train" && s.records > 0)) {
    throw new UserError("no training records left after filtering", {
      code: "data.empty",
      hint: "check data.train paths, max_records, and the records the problems above name",
    });
  }
  return result;
}

function describeFirst(problems: Problem[]): string {
  const first = problems[0];
  return first ? `${first.position?.file ?? ""} ${first.path ?? ""}: ${first.message}`.trim() : "";
}
