import type { ComparisonReport } from "./comparison-report.js";
import { renderEvalSections } from "./eval-report.js";
import { summaryRows } from "./render-summary.js";
import { metricTitle, runLabels } from "./run-labels.js";
import { smoothEma } from "./series.js";
import { renderTerminalChart } from "./terminal-chart.js";
import { renderTable } from "./terminal-table.js";
import { formatValue } from "./value-format.js";

export interface TerminalReportOptions {
  /** Draw the overlaid curve chart (on a TTY, or asked for with --chart). */
  chart: boolean;
  color: boolean;
  /** Terminal columns. */
  width?: number;
  /** The metric to chart; train loss by default. */
  metric?: string;
  /** EMA weight of the charted curves. */
  smoothing?: number;
}

/** Config diff and summary as aligned tables, then (optionally) the overlaid curves. */
export function renderComparison(report: ComparisonReport, options: TerminalReportOptions): string {
  const labels = runLabels(report.runs);
  const sections: string[] = [];
  const configTitle = report.diff.all ? "config (all keys)" : "config (keys that differ)";
  sections.push(
    `${configTitle}\n${renderTable(
      ["key", ...labels],
      report.diff.keys.map((row) => [row.key, ...row.values.map(formatValue)]),
    )}`,
  );
  const perRun = report.summaries.map(summaryRows);
  sections.push(
    `summary\n${renderTable(
      ["", ...labels],
      (perRun[0] ?? []).map(([label], index) => [label, ...perRun.map((rows) => rows[index]![1])]),
    )}`,
  );
  sections.push(
    ...renderEvalSections(
      report.evals,
      (run) => labels[report.runs.findIndex((r) => r.id === run)] ?? run,
    ),
  );
  if (options.chart) {
    const metric = options.metric ?? "loss";
    const smoothing = options.smoothing ?? 0.6;
    const curves = (report.series[metric] ?? []).map((series, index) => ({
      label: labels[index]!,
      points: smoothEma(series.points, smoothing),
    }));
    sections.push(
      renderTerminalChart(curves, {
        title: `${metricTitle(metric)} by ${report.align} (EMA ${smoothing})`,
        xLabel: report.align,
        width: Math.min(options.width ?? 80, 120),
        color: options.color,
      }),
    );
  }
  return sections.join("\n\n");
}
