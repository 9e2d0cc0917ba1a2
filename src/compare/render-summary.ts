import type { RunSummary } from "./comparison-report.js";
import { formatCount, formatDuration, formatNumber } from "./value-format.js";

/** The rows of a summary, label then value; shared by `show` (one run) and `compare` (columns). */
export function summaryRows(summary: RunSummary): Array<[label: string, value: string]> {
  const at = (value: number | null, step: number | null) =>
    value === null ? "-" : `${formatNumber(value)} @ step ${step}`;
  const best = summary.best_checkpoint;
  return [
    ["state", summary.state],
    ["steps", `${summary.steps} / ${summary.total_steps ?? "?"}`],
    ["attempts", String(summary.attempts)],
    ["duration", formatDuration(summary.duration_s)],
    ["tokens seen", formatCount(summary.tokens_seen)],
    ["mean tokens/s", formatCount(summary.mean_tokens_per_s)],
    ["final train loss", formatNumber(summary.final_train_loss)],
    ["min train loss", at(summary.min_train_loss, summary.min_train_loss_step)],
    ["final eval loss", formatNumber(summary.final_eval_loss)],
    ["best eval loss", at(summary.best_eval_loss, summary.best_eval_step)],
    ["best checkpoint", best === null ? "-" : `step-${best.step}`],
    ["GPU-hours", summary.gpu_hours === null ? "-" : summary.gpu_hours.toFixed(2)],
  ];
}

/** The summary block of `tunectl show RUN`: aligned `label  value` lines, no trailing newline. */
export function renderSummary(summary: RunSummary): string {
  const rows = summaryRows(summary);
  if (summary.best_checkpoint) rows.push(["checkpoint path", summary.best_checkpoint.path]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join("\n");
}
