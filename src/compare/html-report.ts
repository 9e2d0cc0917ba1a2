import type { ComparisonReport } from "./comparison-report.js";
import { escapeHtml } from "./html-escape.js";
import { reportStyle } from "./html-style.js";
import { summaryRows } from "./render-summary.js";
import { metricTitle, runLabels } from "./run-labels.js";
import { smoothEma } from "./series.js";
import { renderSvgChart } from "./svg-chart.js";
import { formatValue } from "./value-format.js";

export interface HtmlReportOptions {
  /** EMA weight for the train-loss curve. */
  smoothing?: number;
}

/**
 * One self-contained HTML file: inline CSS and SVG, no scripts, and a policy that forbids
 * loading anything, so it opens offline and a hostile string stays text.
 */
export function renderHtmlReport(
  report: ComparisonReport,
  options: HtmlReportOptions = {},
): string {
  const smoothing = options.smoothing ?? 0.6;
  const labels = runLabels(report.runs);
  const e = escapeHtml;
  const table = (header: string[], rows: string[][], keyColumn = true) =>
    `<table><thead><tr>${header.map((h) => `<th>${e(h)}</th>`).join("")}</tr></thead><tbody>${rows
      .map(
        (row) =>
          `<tr>${row.map((c, i) => `<td${i === 0 && keyColumn ? ' class="key"' : ""}>${e(c)}</td>`).join("")}</tr>`,
      )
      .join("")}</tbody></table>`;
  const runsTable = table(
    ["run", "id", "state", "description"],
    report.runs.map((run, i) => [labels[i]!, run.id, run.state, run.description ?? ""]),
    false,
  );
  const diffTable = table(
    ["key", ...labels],
    report.diff.keys.map((row) => [row.key, ...row.values.map(formatValue)]),
  );
  const perRun = report.summaries.map(summaryRows);
  const summaryTable = table(
    ["", ...labels],
    (perRun[0] ?? []).map(([label], i) => [label, ...perRun.map((rows) => rows[i]![1])]),
  );
  const charts = Object.entries(report.series).map(([metric, series]) => {
    const smooth = metric === "loss" && smoothing > 0;
    const title = `${metricTitle(metric)}${smooth ? ` (EMA ${smoothing})` : ""}`;
    const curves = series.map((s, index) => ({
      run: s.run,
      label: labels[index]!,
      index,
      points: smooth ? smoothEma(s.points, smoothing) : s.points,
    }));
    const legend = curves
      .map(
        (c) =>
          `<li class="run-${c.index % 8}"><span>${e(c.label)}${c.points.length === 0 ? " (no data)" : ""}</span></li>`,
      )
      .join("");
    return `<figure data-metric="${e(metric)}"><figcaption>${e(title)}</figcaption>${renderSvgChart(title, report.align, curves)}<ul class="legend">${legend}</ul></figure>`;
  });
  const heading = `Comparison of ${report.runs.length} runs`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${e(`tunectl compare: ${labels.join(" vs ")}`)}</title>
<style>${reportStyle}</style>
</head>
<body>
<h1>${e(heading)}</h1>
<p class="meta">curves aligned by ${e(report.align)}; configs ${report.diff.all ? "in full" : "showing only keys that differ, plus identity"}</p>
<h2>Runs</h2>
${runsTable}
<h2>Config</h2>
${diffTable}
<h2>Summary</h2>
${summaryTable}
<h2>Curves</h2>
<div class="charts">
${charts.join("\n")}
</div>
</body>
</html>
`;
}
