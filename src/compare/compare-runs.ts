import { UserError } from "../errors/index.js";
import type { MetricLine, RunRecord, RunRegistry } from "../runs/index.js";
import { readRunMetrics } from "../runs/index.js";
import { readCheckpoints } from "./checkpoint-manifests.js";
import type { Align, ComparisonReport, RunSeries } from "./comparison-report.js";
import { diffConfigs } from "./config-diff.js";
import { compareEvals } from "./eval-comparison.js";
import { summarize } from "./run-summary.js";
import { availableMetrics, defaultMetrics, metricSeries } from "./series.js";

export interface CompareOptions {
  /** An extra metric to chart (any numeric field of the metric lines). */
  metric?: string;
  align?: Align;
  /** Every config key, not only those that differ. */
  all?: boolean;
  now?: Date;
}

/** Resolve the refs, then diff configs, summarise and collect the curves of those runs. */
export async function compareRuns(
  registry: RunRegistry,
  refs: string[],
  options: CompareOptions = {},
): Promise<ComparisonReport> {
  const align = options.align ?? "step";
  const runs = await resolveDistinct(registry, refs);
  const loaded = await Promise.all(
    runs.map(async (run) => {
      const paths = registry.paths(run.id);
      const [configYaml, lines, checkpoints] = await Promise.all([
        registry.configYaml(run.id).catch(() => ""),
        readRunMetrics(paths.metrics),
        readCheckpoints(paths.checkpoints),
      ]);
      return { run, configYaml, lines, checkpoints };
    }),
  );
  const metrics: string[] = [...defaultMetrics];
  if (options.metric !== undefined && !metrics.includes(options.metric)) {
    checkMetric(
      options.metric,
      loaded.map((entry) => entry.lines),
    );
    metrics.push(options.metric);
  }
  const now = options.now ?? new Date();
  const series: Record<string, RunSeries[]> = {};
  for (const metric of metrics) {
    series[metric] = loaded.map(({ run, lines }) => ({
      run: run.id,
      points: metricSeries(lines, metric, align),
    }));
  }
  return {
    schema: 1,
    align,
    runs: runs.map((run) => ({
      id: run.id,
      name: run.name,
      state: run.state,
      description: run.description ?? null,
    })),
    diff: { all: options.all === true, keys: diffConfigs(loaded, options.all === true) },
    summaries: loaded.map(({ run, lines, checkpoints }) => summarize(run, lines, checkpoints, now)),
    series,
    evals: await compareEvals(runs.map((run) => ({ id: run.id, dir: registry.paths(run.id).dir }))),
  };
}

async function resolveDistinct(registry: RunRegistry, refs: string[]): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (const ref of refs) {
    const run = await registry.resolve(ref);
    if (!runs.some((seen) => seen.id === run.id)) runs.push(run);
  }
  if (runs.length < 2) {
    throw new UserError(`compare needs two different runs; got ${runs.length}`, {
      code: "compare.too_few_runs",
      hint: "name runs by id prefix, by name, or as last / last~1",
    });
  }
  return runs;
}

function checkMetric(metric: string, lines: MetricLine[][]): void {
  const available = availableMetrics(lines);
  if (available.includes(metric)) return;
  throw new UserError(`no run has a metric named "${metric}"`, {
    code: "compare.unknown_metric",
    hint: `metrics in these runs: ${available.join(", ") || "none yet"}`,
  });
}
